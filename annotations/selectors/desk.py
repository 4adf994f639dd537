"""Reads for the desk's pages: a reviewer's own progress on an article, what waits on a second
review, what a publication would leave unverified. Each is one grouped query."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q

from annotations.models import Article, Item, Review
from factcheck.roles import EDITOR, REVIEWER


def _live_items(article_ids: list[int]):
    """Items on the current text of these articles, not dismissed, not orphaned."""
    return Item.objects.filter(
        revision__article_id__in=article_ids,
        revision_id=F("revision__article__current_revision_id"),
        dismissed=False,
        orphaned=False,
    )


def unverified_counts(*, article_ids: list[int]) -> dict[int, int]:
    """``{article_id: n}``: live items whose status (as stored, an editor's view) is unverified."""
    if not article_ids:
        return {}
    rows = (
        _live_items(article_ids)
        .filter(status=Item.Status.UNVERIFIED)
        .values_list("revision__article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {article_id: 0 for article_id in article_ids} | dict(rows)


def article_progress_for(*, article: Article, user: AbstractBaseUser) -> dict[str, object]:
    """``user``'s progress on the article's live items, in one query.

    ``total``; ``reviewed_by_me`` (ids of the items with a current review of mine);
    ``waiting_second`` (items with fewer counting verdicts than the quorum but at least one, no
    editor's decision: waiting for another reviewer; a count, which blind mode already tells in
    "n reviews hidden", not whose or which verdict).
    """
    mine = Review.objects.filter(item=OuterRef("pk"), reviewer_id=user.pk, is_current=True)
    rows = (
        _live_items([article.pk])
        .annotate(
            mine=Exists(mine),
            verdicts=Count(
                "reviews", filter=Q(reviews__is_current=True, reviews__verdict__in=["correct", "disputed"])
            ),
        )
        .values_list("id", "mine", "verdicts", "resolution_status")
    )
    reviewed, waiting, total = [], 0, 0
    for item_id, is_mine, verdicts, resolution in rows:
        total += 1
        if is_mine:
            reviewed.append(item_id)
        if not resolution and 0 < verdicts < settings.REVIEW_QUORUM:
            waiting += 1
    return {"total": total, "reviewed_by_me": sorted(reviewed), "waiting_second": waiting}


def next_article_for(*, article: Article, user: AbstractBaseUser) -> Article | None:
    """The next unpublished article (by id after this one, then from the start) with a live item
    ``user`` has not reviewed: where "next article" leads at the end of this one."""
    mine = Review.objects.filter(item=OuterRef("pk"), reviewer_id=user.pk, is_current=True)
    open_items = Item.objects.filter(
        revision_id=OuterRef("current_revision_id"), dismissed=False, orphaned=False
    ).exclude(Exists(mine))
    candidates = Article.objects.filter(published_at__isnull=True).exclude(pk=article.pk).filter(Exists(open_items))
    return (
        candidates.filter(pk__gt=article.pk).order_by("pk").only("pk", "title").first()
        or candidates.order_by("pk").only("pk", "title").first()
    )


def desk_member_usernames() -> list[str]:
    """Active editors, reviewers and superusers, by username: whom an item may be assigned to."""
    return list(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[EDITOR, REVIEWER]), is_active=True)
        .distinct()
        .order_by("username")
        .values_list("username", flat=True)
    )
