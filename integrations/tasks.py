"""Celery tasks of the integrations app: take ids, call services. Nothing else lives here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from integrations.services.webhooks import (
    webhook_deliveries_sweep,
    webhook_delivery_attempt,
    webhook_delivery_enqueue,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def deliver_webhook(delivery_id: int) -> str | None:
    """Make one attempt at delivery ``delivery_id``; when another is due, publish it with its backoff.

    The retry schedule lives on the row (attempts, ``next_attempt_at``), not in Celery's retry
    counter, so a lost retry message is found again by the sweep and a duplicate sends nothing.
    Errors of the subscriber's side are recorded on the row by the service; a database error
    here leaves the delivery pending for the sweep.
    """
    try:
        outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    except DatabaseError:
        logger.exception("Webhook delivery %s: database error; the sweep will publish it again", delivery_id)
        return None
    if outcome is None:
        return None
    if outcome.retry_in is not None:
        webhook_delivery_enqueue(delivery_id=delivery_id, countdown=outcome.retry_in)
    return outcome.status


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_webhook_deliveries() -> int:
    """Periodic (beat): publish again the deliveries a lost message left overdue."""
    return len(webhook_deliveries_sweep())
