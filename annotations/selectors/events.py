"""The desk events of an article a reader may see, after a position (the catch-up read).

Blind mode is applied with ``annotations.rules.visibility``, as everywhere else: a reviewer who
has not reviewed an item is not told the others' verdicts on it, so their review events are
left out (as from the item's history, ``VERDICT_EVENTS``), and neither are the status changes
and resolutions that state those verdicts, until the reader may see the item's status (their
own review, or the article published). Editors see every event. Whether a reader has reviewed
an item is read now, not when the event happened, as the item and its reviews are: after their
own verdict a reviewer is told what they were kept from, as the item then shows it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Article, DeskEvent, HistoryEvent, Review
from annotations.rules.visibility import sees_others_reviews, sees_status
from annotations.selectors.reviews import VERDICT_EVENTS
from factcheck.roles import EDITOR, user_has_role


def article_events_after(
    *, article: Article, user: AbstractBaseUser, after: int, limit: int
) -> tuple[list[DeskEvent], int, bool]:
    """The events of ``article`` numbered after ``after`` that ``user`` may see, oldest first.

    Reads at most ``limit`` numbered events; returns the visible ones among them, the position
    to ask from next (the last one read, hidden or not, so a hidden event is never read twice)
    and whether more may follow. Unnumbered events (not yet sequenced) are never returned.
    """
    scanned = article_events_scan(article_id=article.pk, after=after, limit=limit)
    if not scanned:
        return [], after, False
    return events_visible(article=article, user=user, events=scanned), scanned[-1].position, len(scanned) == limit


def article_events_scan(*, article_id: int, after: int, limit: int) -> list[DeskEvent]:
    """The numbered events of the article after ``after``, oldest first, whoever reads them
    (what ``events_visible`` then filters for each reader)."""
    return list(
        DeskEvent.objects.filter(article_id=article_id, position__gt=after)
        .select_related("item", "actor")
        .only(
            "id", "article_id", "item_id", "item__kind", "actor_id", "actor__username", "kind", "payload",
            "created_at", "position",
        )
        .order_by("position")[:limit]
    )


def events_visible(*, article: Article, user: AbstractBaseUser, events: list[DeskEvent]) -> list[DeskEvent]:
    """Those of ``events`` (of ``article``) that ``user`` may see: all but, in blind mode, the
    verdicts of items the user has not reviewed. One query at most (their reviews), only then."""
    verdict_items = {event.item_id for event in events if event.kind in VERDICT_EVENTS and event.item_id}
    if not article.blind_review or not verdict_items or user_has_role(user, EDITOR):
        return events
    reviewed = set(
        Review.objects.filter(item_id__in=verdict_items, reviewer_id=user.pk).values_list("item_id", flat=True)
    )

    def shown(event: DeskEvent) -> bool:
        if event.kind not in VERDICT_EVENTS:
            return True
        facts = {"blind": True, "is_editor": lambda: False, "has_reviewed": lambda: event.item_id in reviewed}
        if event.kind == HistoryEvent.Action.REVIEW:
            return event.actor_id == user.pk or sees_others_reviews(**facts)
        return sees_status(published=article.published_at is not None, **facts)

    return [event for event in events if shown(event)]


def article_events_latest(*, article: Article) -> int:
    """The newest numbered position of ``article``'s events (0 when none): where a reader who
    reads the article now starts following it."""
    latest = DeskEvent.objects.filter(article=article, position__isnull=False).order_by("-position")
    return latest.values_list("position", flat=True).first() or 0
