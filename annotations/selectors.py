"""Reads: querysets with their joins and aggregates decided once, for the API and the admin."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from annotations.models import Article, HistoryEvent, Item, Review
from factcheck.roles import EDITOR, user_has_role


def item_counts(*, revision_ids: list[int | None]) -> dict[int, dict[str, dict[str, int]]]:
    """Live items of these revisions by kind and status, in one grouped query.

    ``{revision_id: {"claims": {"unverified": n, "correct": n, "disputed": n, "total": n},
    "quotes": {...}}}``; dismissed items are not counted.
    """
    wanted = [rid for rid in revision_ids if rid is not None]
    counts = {rid: empty_item_counts() for rid in wanted}
    if not wanted:
        return counts
    rows = (
        Item.objects.filter(revision_id__in=wanted, dismissed=False)
        .values_list("revision_id", "kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for revision_id, kind, status, n in rows:
        bucket = counts[revision_id][f"{kind}s"]
        bucket[status] = n
        bucket["total"] += n
    return counts


def empty_item_counts() -> dict[str, dict[str, int]]:
    """The counts of a revision with no live item (or of an article with no text yet)."""
    return {f"{kind}s": {**dict.fromkeys(Item.Status.values, 0), "total": 0} for kind in Item.Kind.values}


def article_list() -> QuerySet[Article]:
    """Articles with their extraction job and who added them, without loading any body text."""
    return Article.objects.select_related("current_job", "added_by").order_by("-created_at", "-id")


def article_detail() -> QuerySet[Article]:
    """Like ``article_list`` but with the current revision (and its body) joined."""
    return article_list().select_related("current_revision")


def item_list(*, kind: str) -> QuerySet[Item]:
    """Items of one kind with the id of their article, without joining the revision's body."""
    return Item.objects.filter(kind=kind).annotate(article_id=F("revision__article_id")).order_by("id")


def items_of_article(*, article: Article, kind: str) -> QuerySet[Item]:
    """Items of one kind on the article's current text in reading order, then the orphaned ones
    (items of earlier revisions that could not be found in the current text)."""
    return (
        item_list(kind=kind)
        .filter(revision__article_id=article.pk)
        .filter(Q(revision_id=article.current_revision_id) | Q(orphaned=True))
        .select_related("assigned_to")
        .order_by("orphaned", "start", "end", "id")
    )


def review_queue(*, user) -> QuerySet[Item]:
    """The caller's next items: unverified, live, on unpublished current text, assigned to them
    or to nobody, not yet reviewed by them; highest score first, then oldest."""
    reviewed = Review.objects.filter(item=OuterRef("pk"), reviewer=user, is_current=True)
    return (
        Item.objects.filter(
            status=Item.Status.UNVERIFIED,
            dismissed=False,
            orphaned=False,
            # A new revision carries every live item over or orphans it, so "not orphaned" means
            # "on the current text" without comparing against the article's current revision.
            revision__article__published_at__isnull=True,
        )
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .exclude(Exists(reviewed))
        .annotate(article_id=F("revision__article_id"))
        .select_related("assigned_to")
        # Matches the partial index item_queue_idx, so the first page is read straight off it.
        .order_by("-score", "created_at", "id")
    )


def reviews_visible_to(*, item: Item, user, include_superseded: bool = False) -> tuple[QuerySet, int]:
    """The item's reviews that ``user`` may see, and how many are hidden from them.

    In blind mode a reviewer who has not reviewed the item yet sees none of the others'
    reviews (only editors see everything).
    """
    reviews = Review.objects.filter(item=item).select_related("reviewer").order_by("created_at", "id")
    if not include_superseded:
        reviews = reviews.filter(is_current=True)
    article = item.revision.article
    if not article.blind_review or user_has_role(user, EDITOR):
        return reviews, 0
    if Review.objects.filter(item=item, reviewer=user).exists():
        return reviews, 0
    visible = reviews.filter(reviewer=user)
    return visible, reviews.exclude(reviewer=user).count()


def item_history(*, item: Item, user) -> QuerySet:
    """The item's history, oldest first; in blind mode others' review events are hidden as above."""
    events = HistoryEvent.objects.filter(item=item).select_related("actor").order_by("created_at", "id")
    blind = item.revision.article.blind_review and not user_has_role(user, EDITOR)
    if blind and not Review.objects.filter(item=item, reviewer=user).exists():
        # A status change made by another reviewer's review tells their verdict as plainly.
        events = events.exclude(
            Q(action__in=[HistoryEvent.Action.REVIEW, HistoryEvent.Action.STATUS]) & ~Q(actor=user)
        )
    return events


def agreement_units(*, user, article_id: int | None = None) -> dict[int, dict[str, str]]:
    """``{item_id: {reviewer: verdict}}`` of current reviews, for items with two or more.

    Items of blind-mode articles count only for editors and for reviewers who reviewed them:
    who agreed with whom would otherwise tell the verdicts blind mode keeps back.
    """
    reviews = Review.objects.filter(is_current=True)
    if article_id is not None:
        reviews = reviews.filter(item__revision__article_id=article_id)
    if not user_has_role(user, EDITOR):
        mine = Review.objects.filter(item=OuterRef("item_id"), reviewer=user)
        reviews = reviews.filter(Q(item__revision__article__blind_review=False) | Exists(mine))
    units: dict[int, dict[str, str]] = {}
    for item_id, reviewer, verdict in reviews.values_list("item_id", "reviewer__username", "verdict"):
        units.setdefault(item_id, {})[reviewer] = verdict
    return {item_id: labels for item_id, labels in units.items() if len(labels) >= 2}


def items_assigned_counts(*, user, revision_ids: list[int | None]) -> dict[int, int]:
    """How many live items of each of these revisions are assigned to ``user`` (one grouped query)."""
    wanted = [rid for rid in revision_ids if rid is not None]
    if not wanted or not user.is_authenticated:
        return {}
    rows = (
        Item.objects.filter(revision_id__in=wanted, assigned_to=user, dismissed=False)
        .values_list("revision_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def articles_for_review_list(*, user, search: str = "", status: str = "", mine: bool = False) -> QuerySet[Article]:
    """The review page's article list: ``article_list`` narrowed by title, extraction status and
    "has items assigned to me" (an EXISTS on the assignee index, not a join that multiplies rows)."""
    articles = article_list()
    if search:
        articles = articles.filter(title__icontains=search)
    if status:
        articles = articles.filter(current_job__status=status)
    if mine:
        assigned = Item.objects.filter(
            revision_id=OuterRef("current_revision_id"), assigned_to=user, dismissed=False
        )
        articles = articles.filter(Exists(assigned))
    return articles
