"""Reads of articles: the list with its joins decided once, and the review page's narrowed list."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower

from annotations.models import Article, Item
from annotations.rules.visibility import status_among
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
    capped count does not join it). What the sorts cost with 100,000 articles
    (docs/DASHBOARD_SCALE.md):

    - ``newest``, ``oldest``: the ``created_at`` index, read forwards or backwards; a page reads
      its 50 rows.
    - ``title``: no index (titles are searched with ``icontains``, which none would serve);
      the database keeps the top rows of one pass over the articles that match.
    - ``unverified``, ``least-reviewed``: counts of live items as ``user`` is shown them (blind
      mode hides statuses, so these never order by what the reader may not see), one correlated
      count per matching article over the item index that starts with the revision; sorting
      reads every live item of every matching article, about what the dashboard's "items by
      kind and status" figure reads. The filters narrow it; the page's other queries do not
      change.
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
        shown = status_shown_condition(user, article="revision__article")
        reviewed = Q(status__in=[Item.Status.CORRECT, Item.Status.DISPUTED])
        unverified = status_among([Item.Status.UNVERIFIED], shown=shown) if shown is not None else ~reviewed
        articles = articles.alias(unverified_items=_live_items_count(unverified))
        if sort == "unverified":
            return articles.order_by("-unverified_items", "-created_at", "-id")
        # Fewest reviewed first; among those, the ones with the most left to review (an article
        # with no items yet has nothing to review and comes after them).
        reviewed_shown = reviewed & shown if shown is not None else reviewed
        return articles.alias(reviewed_items=_live_items_count(reviewed_shown)).order_by(
            "reviewed_items", "-unverified_items", "-created_at", "-id"
        )
    return articles.order_by("-created_at", "-id")


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
