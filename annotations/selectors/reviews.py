"""Reads that blind mode governs: an item's reviews, its history, the agreement figures.

Each applies ``annotations.rules.visibility``; none decides for itself who sees what.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.models import HistoryEvent, Item, Review
from annotations.rules.visibility import others_reviews_shown, sees_others_reviews
from factcheck.roles import EDITOR, user_has_role

# History events that tell a reviewer's verdict: the review itself, and the status change it
# caused (which states the verdict as plainly).
_VERDICT_EVENTS = (HistoryEvent.Action.REVIEW, HistoryEvent.Action.STATUS)


def _sees_others_reviews(*, item: Item, user: AbstractBaseUser) -> bool:
    return sees_others_reviews(
        blind=item.revision.article.blind_review,
        is_editor=lambda: user_has_role(user, EDITOR),
        has_reviewed=lambda: Review.objects.filter(item=item, reviewer=user).exists(),
    )


def reviews_visible_to(
    *, item: Item, user: AbstractBaseUser, include_superseded: bool = False
) -> tuple[QuerySet[Review], int]:
    """The item's reviews that ``user`` may see, and how many are hidden from them.

    In blind mode a reviewer who has not reviewed the item yet sees none of the others' reviews
    (see ``rules.visibility``).
    """
    reviews = Review.objects.filter(item=item).select_related("reviewer").order_by("created_at", "id")
    if not include_superseded:
        reviews = reviews.filter(is_current=True)
    if _sees_others_reviews(item=item, user=user):
        return reviews, 0
    visible = reviews.filter(reviewer=user)
    return visible, reviews.exclude(reviewer=user).count()


def item_history(*, item: Item, user: AbstractBaseUser) -> QuerySet[HistoryEvent]:
    """The item's history, oldest first; in blind mode others' verdict events are hidden as above."""
    events = HistoryEvent.objects.filter(item=item).select_related("actor").order_by("created_at", "id")
    if not _sees_others_reviews(item=item, user=user):
        events = events.exclude(Q(action__in=_VERDICT_EVENTS) & ~Q(actor=user))
    return events


def agreement_units(*, user: AbstractBaseUser, article_id: int | None = None) -> dict[int, dict[str, str]]:
    """``{item_id: {reviewer: verdict}}`` of current reviews, for items with two or more.

    Only items whose reviews ``user`` may see count: who agreed with whom would otherwise tell
    the verdicts blind mode keeps back.
    """
    reviews = Review.objects.filter(is_current=True)
    if article_id is not None:
        reviews = reviews.filter(item__revision__article_id=article_id)
    if not user_has_role(user, EDITOR):
        mine = Review.objects.filter(item=OuterRef("item_id"), reviewer=user)
        shown = others_reviews_shown(blind="item__revision__article__blind_review", has_reviewed=Exists(mine))
        reviews = reviews.filter(shown)
    units: dict[int, dict[str, str]] = {}
    for item_id, reviewer, verdict in reviews.values_list("item_id", "reviewer__username", "verdict"):
        units.setdefault(item_id, {})[reviewer] = verdict
    return {item_id: labels for item_id, labels in units.items() if len(labels) >= 2}
