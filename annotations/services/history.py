"""The audit trail: every change is appended as a ``HistoryEvent``; nothing edits or deletes one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import HistoryEvent, Item
from annotations.services.desk_events import desk_event_record


def history_record(
    *,
    article_id: int,
    action: str,
    actor: AbstractBaseUser | None,
    item_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> HistoryEvent:
    """Append one event, and the desk event open pages learn of it from (``desk_events``).

    Call inside the transaction of the change it records.
    """
    event = HistoryEvent.objects.create(
        article_id=article_id,
        item_id=item_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        before=before or {},
        after=after or {},
    )
    desk_event_record(article_id=article_id, item_id=item_id, kind=action, actor=actor, payload=event.after)
    return event


def item_history_record(
    item: Item,
    *,
    action: str,
    actor: AbstractBaseUser | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> HistoryEvent:
    """Append one event about ``item`` (its article read from its revision). Call inside the change's transaction."""
    return history_record(
        article_id=item.revision.article_id, item_id=item.pk, action=action, actor=actor, before=before, after=after
    )
