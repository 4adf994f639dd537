"""Reads that blind mode governs: an item's reviews, its history, the agreement figures, and
the status items are shown with (``items_as_seen_by``, ``items_with_status_among``).

Each applies ``annotations.rules.visibility``; none decides for itself who sees what.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value, When

from annotations.models import HistoryEvent, Item, Review
from annotations.rules.visibility import (
    STATUS_HIDDEN,
    others_reviews_shown,
    sees_others_reviews,
    sees_status,
    status_among,
    status_shown,
)
from factcheck.roles import EDITOR, user_has_role

# History events that tell a reviewer's verdict: the review itself, the status change it
# caused (which states the verdict as plainly), and an editor's resolution of the reviews.
VERDICT_EVENTS = (HistoryEvent.Action.REVIEW, HistoryEvent.Action.STATUS, HistoryEvent.Action.RESOLVE)


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
    """The item's history, oldest first; in blind mode others' verdict events (reviews, status
    changes, resolutions) are hidden as above."""
    events = HistoryEvent.objects.filter(item=item).select_related("actor").order_by("created_at", "id")
    if not _sees_others_reviews(item=item, user=user):
        events = events.exclude(Q(action__in=VERDICT_EVENTS) & ~Q(actor=user))
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


Reader = AbstractBaseUser | AnonymousUser | None  # None: a reader with no role (reviews nothing)


def status_shown_condition(reader: Reader, *, article: str = "revision__article", item: str = "pk") -> Q | None:
    """``rules.visibility.status_shown`` for ``reader`` over rows whose article is reached by
    ``article`` and whose item id by ``item``; None when the reader sees every status (an editor)."""
    if reader is not None and user_has_role(reader, EDITOR):
        return None
    has_reviewed = None
    if reader is not None and reader.is_authenticated:
        has_reviewed = Exists(Review.objects.filter(item_id=OuterRef(item), reviewer_id=reader.pk))
    return status_shown(blind=f"{article}__blind_review", published_at=f"{article}__published_at",
                        has_reviewed=has_reviewed)


def items_as_seen_by(items: QuerySet[Item], *, reader: Reader) -> QuerySet[Item]:
    """``items`` with ``status_shown`` (whether ``reader`` may see each one's status, computed in
    the same query) and the alias ``status_as_shown`` that ``?ordering=status`` sorts by.

    The item serializers show the status of an item only when ``status_shown`` is true.
    """
    condition = status_shown_condition(reader)
    if condition is None:
        return items.annotate(status_shown=Value(True, output_field=BooleanField())).alias(status_as_shown=F("status"))
    return items.annotate(status_shown=ExpressionWrapper(condition, output_field=BooleanField())).alias(
        status_as_shown=Case(When(condition, then=F("status")), default=Value(STATUS_HIDDEN))
    )


def items_with_status_among(items: QuerySet[Item], *, statuses: list[str], reader: Reader) -> QuerySet[Item]:
    """``items`` whose status as ``reader`` is shown it is one of ``statuses`` (the ``status`` filters)."""
    condition = status_shown_condition(reader)
    if condition is None:
        return items.filter(status__in=statuses)
    return items.filter(status_among(statuses, shown=condition))


def status_visible_to(*, item: Item, user: Reader) -> bool:
    """Whether ``user`` may see this item's status (``item`` with its revision's article)."""
    article = item.revision.article
    return sees_status(
        blind=article.blind_review,
        published=article.published_at is not None,
        is_editor=lambda: user is not None and user_has_role(user, EDITOR),
        has_reviewed=lambda: (
            user is not None and user.is_authenticated and Review.objects.filter(item=item, reviewer=user).exists()
        ),
    )
