"""Domain events -> webhook deliveries. A deliberate integration seam.

The house style keeps logic out of signals; this module is the one exception, on purpose: the
domain (``annotations``) records every change as a ``HistoryEvent`` and every finished
extraction on its ``ExtractionJob`` row, and must not know who subscribes to those changes.
Listening to ``post_save`` of those two models lets this app write its outbox rows (one
``WebhookDelivery`` per subscriber) *inside the same transaction* as the change, without the
domain's services importing anything from here. The receivers only translate the row into an
event and call ``webhook_event_record``; the deliveries are published after commit.

Writes that bypass ``save()`` (``bulk_create``/``update``) send no signal; none of the three
events is written that way today (``history_record`` and ``extraction_job_complete`` save rows
one by one). A test pins that each event produces its delivery.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count
from django.db.models.signals import post_save
from django.dispatch import receiver

from annotations.models import ExtractionJob, HistoryEvent, Item
from integrations.models import Event, WebhookSubscription
from integrations.services.webhooks import webhook_event_record

logger = logging.getLogger(__name__)


def _has_subscribers(event: str) -> bool:
    """Cheap check first, so the common case (nobody subscribed) costs one small query."""
    return any(
        event in events
        for events in WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True)
    )


def _record(event: str, event_id: str, build) -> None:
    """Record the event in a savepoint: a bug or a database error here must not undo the
    reviewer's or the worker's change, so it is logged (loudly) and the change goes on."""
    try:
        with transaction.atomic():
            if _has_subscribers(event):
                webhook_event_record(event=event, event_id=event_id, data=build())
    except (OperationalError, InterfaceError) as exc:
        # The database went away (a restart, a dropped connection): not a bug here, and the
        # traceback would say nothing more. Nothing could be read, so whether anyone subscribes
        # to the event is unknown; the line says what happened and what it means.
        cause = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        logger.warning(
            "Webhook event %s (%s) not recorded: the database connection was lost (%s); "
            "a subscriber to it, if any, will not be told of this change.",
            event, event_id, cause,
        )
    except Exception:
        logger.exception("Could not record webhook event %s (%s)", event, event_id)


@receiver(post_save, sender=HistoryEvent, dispatch_uid="integrations.history_event_webhooks")
def history_event_saved(sender, instance: HistoryEvent, created: bool, **kwargs) -> None:
    """``status`` events become ``item.status_changed``, ``publish`` events ``article.published``."""
    if not created or kwargs.get("raw"):
        return
    if instance.action == HistoryEvent.Action.STATUS and instance.item_id is not None:
        _record(Event.ITEM_STATUS_CHANGED, f"history:{instance.pk}", lambda: _status_changed_data(instance))
    elif instance.action == HistoryEvent.Action.PUBLISH:
        _record(Event.ARTICLE_PUBLISHED, f"history:{instance.pk}", lambda: _published_data(instance))


@receiver(post_save, sender=ExtractionJob, dispatch_uid="integrations.extraction_job_webhooks")
def extraction_job_saved(sender, instance: ExtractionJob, update_fields=None, **kwargs) -> None:
    """A job saved as ``done`` becomes ``article.extracted`` (once per job: the event id is the job's)."""
    if kwargs.get("raw") or instance.status != ExtractionJob.Status.DONE:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    _record(Event.ARTICLE_EXTRACTED, f"extraction_job:{instance.pk}", lambda: _extracted_data(instance))


def _actor(event: HistoryEvent) -> str | None:
    return event.actor.get_username() if event.actor_id else None


def _status_changed_data(event: HistoryEvent) -> dict:
    item = Item.objects.filter(pk=event.item_id).values("kind", "text", "revision_id").get()
    return {
        "article": event.article_id,
        "item": event.item_id,
        "kind": item["kind"],
        "text": item["text"],
        "revision": item["revision_id"],
        "status": event.after.get("status"),
        "previous_status": event.before.get("status"),
        "actor": _actor(event),
        "at": event.created_at.isoformat(),
    }


def _published_data(event: HistoryEvent) -> dict:
    return {
        "article": event.article_id,
        "published_at": event.after.get("published_at"),
        "actor": _actor(event),
        "at": event.created_at.isoformat(),
    }


def _extracted_data(job: ExtractionJob) -> dict:
    counts = dict.fromkeys(Item.Kind.values, 0)
    rows = Item.objects.filter(revision_id=job.revision_id).values_list("kind").annotate(n=Count("id")).order_by()
    counts.update(dict(rows))
    return {
        "article": job.article_id,
        "revision": job.revision_id,
        "job": job.pk,
        "extractor_version": job.extractor_version,
        "claims": counts[Item.Kind.CLAIM],
        "quotes": counts[Item.Kind.QUOTE],
        "at": (job.finished_at or job.updated_at).isoformat(),
    }
