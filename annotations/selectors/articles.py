"""Reads of articles: the list with its joins decided once, and the review page's narrowed list."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower

from annotations.models import Article, Item
from annotations.rules.visibility import status_shown
from annotations.selectors.reviews import status_shown_condition

# The list's sorts: the ``sort=`` values the page accepts and their labels; the first is the
# default. Every order ends with the id, so no article is on two pages.
ARTICLE_LIST_SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title (A to Z)",
    "unverified": "Most unverified",
    "least-reviewed": "Least reviewed",
}


def article_list() -> QuerySet[Article]:
    """Articles with their extraction job and who added them, without loading any body text."""
    return Article.objects.select_related("current_job", "added_by").order_by("-created_at", "-id")


def article_detail() -> QuerySet[Article]:
    """Like ``article_list`` but with the current revision (and its body) joined."""
    return article_list().select_related("current_revision")


def articles_for_review_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    search: str = "",
    status: str = "",
    mine: bool = False,
    sort: str = "newest",
) -> QuerySet[Article]:
    """The review page's article list: ``article_list`` narrowed by title, extraction status and
    "has items assigned to me" (an EXISTS on the assignee index, not a join that multiplies rows),
    in the order ``sort`` names (a key of ``ARTICLE_LIST_SORTS``; anything else is "newest").

    Each row also has its current revision joined, without its body (its date is shown; the
    capped count does not join it). What the sorts cost (docs/DASHBOARD_SCALE.md, "The article
    list's sorts"):

    - ``newest``, ``oldest``: the ``created_at`` index, read forwards or backwards; a page reads
      its 50 rows.
    - ``title``: no index (titles are searched with ``icontains``, which none would serve);
      the database keeps the top rows of one pass over the articles that match (110 to 130 ms
      with 20,000 articles).
    - ``unverified``, ``least-reviewed``: counts of live items as ``user`` is shown them (blind
      mode hides statuses, so these never order by what the reader may not see): one (two for
      ``least-reviewed``) correlated count per matching article over the item index that starts
      with the revision, then a top-50 sort. The cost grows with the articles that match: on
      PostgreSQL with 20,000 articles and 200,000 items (10% blind) the page took 320 ms
      (``unverified``) and 370 ms (``least-reviewed``) for a reviewer, 180 and 280 ms for an
      editor, against 40 ms for ``newest``; expect about five times that with 100,000 articles.
      The filters (search, extraction state, "assigned to me") narrow it. An index on
      ``(revision, status)`` of live items would make the counts index-only.
    """
    articles = article_list().select_related("current_revision").defer("current_revision__body")
    if search:
        articles = articles.filter(title__icontains=search)
    if status:
        articles = articles.filter(current_job__status=status)
    if mine:
        assigned = Item.objects.filter(
            revision_id=OuterRef("current_revision_id"), assigned_to=user, dismissed=False
        )
        articles = articles.filter(Exists(assigned))
    return _sorted(articles, sort=sort, user=user)


def _sorted(articles: QuerySet[Article], *, sort: str, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Article]:
    if sort == "oldest":
        return articles.order_by("created_at", "id")
    if sort == "title":
        untitled_last = Case(When(title="", then=Value(1)), default=Value(0), output_field=IntegerField())
        return articles.alias(untitled=untitled_last).order_by("untitled", Lower("title"), "-id")
    if sort in ("unverified", "least-reviewed"):
        unverified = Q(status=Item.Status.UNVERIFIED)
        articles = articles.alias(unverified_items=_items_count_as_shown(unverified, user=user, hidden_counts=True))
        if sort == "unverified":
            return articles.order_by("-unverified_items", "-created_at", "-id")
        # Fewest reviewed first; among those, the ones with the most left to review (an article
        # with no items yet has nothing to review and comes after them).
        reviewed = Q(status__in=[Item.Status.CORRECT, Item.Status.DISPUTED])
        return articles.alias(reviewed_items=_items_count_as_shown(reviewed, user=user)).order_by(
            "reviewed_items", "-unverified_items", "-created_at", "-id"
        )
    return articles.order_by("-created_at", "-id")


def _items_count_as_shown(
    condition: Q, *, user: AbstractBaseUser | AnonymousUser, hidden_counts: bool = False
) -> Coalesce | Case:
    """How many live items of the row's current revision meet ``condition`` by the statuses
    ``user`` is shown; a hidden status counts as unverified (``hidden_counts``) like on the page.

    Where every reader sees the article's statuses (not blind, or published) the items are
    counted as they are, on the revision index alone; only blind articles pay for the per-item
    rule (the item's article joined, and whether ``user`` reviewed it).
    """
    shown = status_shown_condition(user, article="revision__article")
    if shown is None:
        return _live_items_count(condition)  # an editor sees every status
    as_shown = (condition & shown) | ~shown if hidden_counts else condition & shown
    shown_to_everyone = status_shown(blind="blind_review", published_at="published_at", has_reviewed=None)
    return Case(
        When(shown_to_everyone, then=_live_items_count(condition)),
        default=_live_items_count(as_shown),
        output_field=IntegerField(),
    )


def _live_items_count(condition: Q) -> Coalesce:
    """How many live (not dismissed) items of the row's current revision meet ``condition``."""
    items = (
        Item.objects.filter(revision_id=OuterRef("current_revision_id"), dismissed=False)
        .filter(condition)
        .order_by()
        .values("revision_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), Value(0))
