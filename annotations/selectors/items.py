"""Reads of claims and quotes: lists by kind and article, the reviewer's queue, counts per revision."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from annotations.models import Article, Item, Review
from annotations.rules.visibility import STATUS_HIDDEN
from annotations.selectors.reviews import Reader, items_as_seen_by, status_shown_condition


def item_counts(*, revision_ids: list[int | None], reader: Reader) -> dict[int, dict[str, dict[str, int]]]:
    """Live items of these revisions by kind and by the status ``reader`` is shown, in one
    grouped query (blind mode: ``rules.visibility``; ``reader`` None counts for a reader with no role).

    ``{revision_id: {"claims": {"unverified": n, "correct": n, "disputed": n, "total": n},
    "quotes": {...}}}``; dismissed items are not counted.
    """
    wanted = [rid for rid in revision_ids if rid is not None]
    counts = {rid: empty_item_counts() for rid in wanted}
    if not wanted:
        return counts
    items = Item.objects.filter(revision_id__in=wanted, dismissed=False)
    condition = status_shown_condition(reader)
    if condition is None:
        rows = items.values_list("revision_id", "kind", "status").annotate(n=Count("id")).order_by()
    else:
        rows = (
            items.annotate(shown_status=Case(When(condition, then=F("status")), default=Value(STATUS_HIDDEN)))
            .values_list("revision_id", "kind", "shown_status")
            .annotate(n=Count("id"))
            .order_by()
        )
    for revision_id, kind, status, n in rows:
        bucket = counts[revision_id][f"{kind}s"]
        bucket[status] += n  # hidden and unverified items fall in one bucket
        bucket["total"] += n
    return counts


def empty_item_counts() -> dict[str, dict[str, int]]:
    """The counts of a revision with no live item (or of an article with no text yet)."""
    return {f"{kind}s": {**dict.fromkeys(Item.Status.values, 0), "total": 0} for kind in Item.Kind.values}


def items_assigned_counts(
    *, user: AbstractBaseUser | AnonymousUser, revision_ids: list[int | None]
) -> dict[int, int]:
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


def live_item_at(*, revision_id: int, kind: str, start: int, end: int) -> Item | None:
    """The live (not dismissed) item of this kind holding exactly ``[start:end]`` of the revision."""
    return Item.objects.filter(revision_id=revision_id, kind=kind, start=start, end=end, dismissed=False).first()


def review_queue(*, user: AbstractBaseUser) -> QuerySet[Item]:
    """The caller's next items: unverified, live, on unpublished current text, assigned to them
    or to nobody, not yet reviewed by them; highest score first, then oldest. Each as the caller
    sees it (``items_as_seen_by``: an editor's resolution stays hidden in blind mode).

    On a blind article the caller has not seen others' verdicts on an item they have not
    reviewed, so its status does not decide: leaving out an item that others moved to
    correct or disputed would tell the caller that a verdict exists.
    """
    reviewed = Review.objects.filter(item=OuterRef("pk"), reviewer=user, is_current=True)
    queue = (
        Item.objects.filter(
            Q(status=Item.Status.UNVERIFIED) | Q(revision__article__blind_review=True),
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
    return items_as_seen_by(queue, reader=user)
