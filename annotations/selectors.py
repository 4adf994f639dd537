"""Reads: querysets with their joins and aggregates decided once, for the API and the admin."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from annotations.models import Article, Item

_COUNT_KEYS = [(kind, status) for kind in Item.Kind.values for status in Item.Status.values]


def _item_counts() -> dict[str, Count]:
    """Counts of the current revision's items by kind and status, as annotations."""
    return {
        f"n_{kind}_{status}": Count(
            "current_revision__items",
            filter=Q(current_revision__items__kind=kind, current_revision__items__status=status),
        )
        for kind, status in _COUNT_KEYS
    }


def item_counts_of(article: Article) -> dict[str, dict[str, int]]:
    """``{"claims": {"unverified": n, ..., "total": n}, "quotes": {...}}`` from the annotations."""
    counts: dict[str, dict[str, int]] = {}
    for kind, status in _COUNT_KEYS:
        bucket = counts.setdefault(f"{kind}s", {})
        bucket[status] = getattr(article, f"n_{kind}_{status}", 0)
    for bucket in counts.values():
        bucket["total"] = sum(bucket.values())
    return counts


def article_list() -> QuerySet[Article]:
    """Articles with their extraction job and item counts, without loading any body text."""
    return (
        Article.objects.select_related("current_job", "added_by")
        .annotate(**_item_counts())
        .order_by("-created_at", "-id")
    )


def article_detail() -> QuerySet[Article]:
    """Like ``article_list`` but with the current revision (and its body) joined."""
    return article_list().select_related("current_revision")


def item_list(*, kind: str) -> QuerySet[Item]:
    """Items of one kind with the id of their article, without joining the revision's body."""
    return Item.objects.filter(kind=kind).annotate(article_id=F("revision__article_id")).order_by("id")


def items_of_article(*, article: Article, kind: str) -> QuerySet[Item]:
    """Items of one kind on the article's current revision, in reading order."""
    return item_list(kind=kind).filter(revision_id=article.current_revision_id).order_by("start", "end", "id")
