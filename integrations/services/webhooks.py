"""Webhooks: subscriptions, recording events as deliveries (the outbox), signing, sending, sweeping.

The life of a delivery: ``webhook_event_record`` writes one pending row per active subscriber
inside the transaction of the domain change and publishes its id after commit. A worker runs
``webhook_delivery_attempt``: it claims the row for one attempt (a short lock, not held during
the request), POSTs the signed body with a timeout and without following redirects, and records
the outcome. A failed attempt is due again after an exponential backoff, up to
``WEBHOOK_MAX_ATTEMPTS``; then the delivery is ``failed`` with its last error, visible in the
admin and the API. ``webhook_deliveries_sweep`` publishes again what a lost message left due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from factcheck.errors import InvalidInput, NotFound
from factcheck.outbox import Outbox
from integrations.models import Event, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVER_TASK = "integrations.tasks.deliver_webhook"
SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
# What is kept of a response body and of an error: enough to debug, not a copy of a page.
_KEPT_CHARS = 2000
_READ_BYTES = 64 * 1024


# --- Subscriptions ---------------------------------------------------------------------------


def _checked_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(Event.values))
    if unknown or not events:
        raise InvalidInput(
            f"Subscribe to one or more of: {', '.join(Event.values)}.",
            fields={"events": [f"Unknown: {', '.join(unknown)}." if unknown else "Name at least one event."]},
        )
    return sorted(set(events))


def webhook_subscription_create(
    *, created_by: AbstractBaseUser, url: str, events: list[str], name: str = "", secret: str = ""
) -> WebhookSubscription:
    """Subscribe ``url`` to ``events``. Without a ``secret`` one is generated (returned once by the API)."""
    return WebhookSubscription.objects.create(
        name=name,
        url=url,
        events=_checked_events(events),
        secret=secret or secrets.token_hex(32),
        created_by=created_by,
    )


def webhook_subscription_update(*, subscription_id: int, **changes: Any) -> WebhookSubscription:
    """Change a subscription's ``name``, ``url``, ``events``, ``secret`` or ``is_active``.

    Deliveries already recorded keep the body they had; they are signed with the secret in force
    when they are sent.
    """
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is None:
            raise NotFound(f"No webhook subscription with id {subscription_id}.")
        if "events" in changes:
            changes["events"] = _checked_events(changes["events"])
        for name, value in changes.items():
            setattr(subscription, name, value)
        subscription.save()
    return subscription


def webhook_subscription_delete(*, subscription_id: int) -> None:
    """Remove a subscription and its delivery log."""
    deleted, _ = WebhookSubscription.objects.filter(pk=subscription_id).delete()
    if not deleted:
        raise NotFound(f"No webhook subscription with id {subscription_id}.")


# --- Recording events (the outbox) -----------------------------------------------------------


def webhook_event_record(*, event: str, event_id: str, data: dict[str, Any]) -> list[int]:
    """Write one pending delivery per active subscriber of ``event`` and publish them after commit.

    Call inside the transaction of the change being reported, so the deliveries exist exactly
    when the change does. Recording the same ``event_id`` again writes nothing (a unique
    constraint). Returns the ids of the deliveries written by this call.
    """
    subscriptions = [sub for sub in WebhookSubscription.objects.filter(is_active=True) if event in sub.events]
    if not subscriptions:
        return []
    now = timezone.now()
    body = json.dumps(
        {"id": event_id, "event": event, "created_at": now.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    already = set(
        WebhookDelivery.objects.filter(event_id=event_id, subscription__in=subscriptions).values_list(
            "subscription_id", flat=True
        )
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=sub, event=event, event_id=event_id, request_body=body, next_attempt_at=now, created_at=now
            )
            for sub in subscriptions
            if sub.pk not in already
        ]
    )
    ids = list(
        WebhookDelivery.objects.filter(event_id=event_id, subscription__in=subscriptions)
        .exclude(subscription_id__in=already)
        .values_list("pk", flat=True)
    )
    for delivery_id in ids:
        WEBHOOK_OUTBOX.publish_after_commit(delivery_id)
    return ids


def _record_published(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(enqueued_at=timezone.now())


def _record_publish_failure(delivery_id: int, note: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        last_error=note[:_KEPT_CHARS]
    )


WEBHOOK_OUTBOX = Outbox(
    task=DELIVER_TASK,
    noun="webhook delivery",
    plural="webhook delivery(ies)",
    waiting="pending",
    queue=lambda: settings.WEBHOOK_QUEUE or settings.EXTRACTION_QUEUE,
    record_published=_record_published,
    record_failure=_record_publish_failure,
)


def webhook_delivery_enqueue(*, delivery_id: int, countdown: float = 0) -> bool:
    """Publish the delivery to the broker, to run after ``countdown`` seconds. Returns whether it was published.

    Never raises: with the broker down the delivery stays pending in the database, the outage
    is logged and written on the row, and the sweep publishes it again. Never sent inline
    (see ``factcheck.outbox``).
    """
    return WEBHOOK_OUTBOX.publish(delivery_id, countdown=countdown)


# --- Signing and sending ---------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``b"<timestamp>." + body`` with the subscription's secret.

    The timestamp is inside the signed string so a captured request cannot be replayed later
    with a fresh timestamp; receivers reject timestamps too far from their clock.
    """
    signed = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def webhook_signature_valid(*, secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """Check a received signature the way a subscriber should (used by the tests and documented)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=int(timestamp), body=body)
    return hmac.compare_digest(expected, signature)


def backoff_seconds(attempts: int) -> float:
    """Wait before the next attempt after ``attempts`` failed ones: base * 2**(attempts-1), capped."""
    delay = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return min(delay, settings.WEBHOOK_BACKOFF_MAX_SECONDS)


@dataclass(frozen=True)
class AttemptOutcome:
    """What one attempt did: ``retry_in`` seconds when another attempt is due, else ``None``."""

    status: str
    retry_in: float | None = None


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    """Take the delivery for one attempt, or ``None`` if it is done, not due, or being sent."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        if delivery.next_attempt_at > now or (delivery.locked_until and delivery.locked_until > now):
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        # Longer than one request can take, so a duplicate message waits rather than sends twice;
        # a worker killed mid-request frees it after this.
        delivery.locked_until = now + dt.timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)
        delivery.save(update_fields=["attempts", "last_attempt_at", "locked_until"])
    return delivery


def _send(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """POST the body once. Returns (status code or None, response text kept, error or "")."""
    subscription = delivery.subscription
    body = delivery.request_body.encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "factcheck-webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: webhook_signature(secret=subscription.secret, timestamp=timestamp, body=body),
    }
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        # No redirects: a 3xx would re-send a signed body to a host nobody subscribed.
        with requests.post(
            subscription.url, data=body, headers=headers, timeout=(timeout, timeout), allow_redirects=False, stream=True
        ) as response:
            text = response.raw.read(_READ_BYTES, decode_content=True).decode("utf-8", "replace")
            code = response.status_code
            location = response.headers.get("Location", "")
    except requests.RequestException as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:_KEPT_CHARS]
    if 200 <= code < 300:
        return code, text[:_KEPT_CHARS], ""
    if 300 <= code < 400:
        return code, text[:_KEPT_CHARS], f"HTTP {code}: redirect to {location or '?'} not followed; update the URL."
    return code, text[:_KEPT_CHARS], f"HTTP {code} from the subscriber."


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptOutcome | None:
    """Make one attempt at a delivery and record it. ``None`` when there was nothing to do.

    Safe to call for a duplicate message: only a pending, due, unclaimed delivery is sent.
    """
    delivery = _claim(delivery_id, timezone.now())
    if delivery is None:
        return None
    code, response_text, error = _send(delivery)
    now = timezone.now()
    fields = {"response_code": code, "response_body": response_text, "last_error": error, "locked_until": None}
    if not error:
        fields.update(status=WebhookDelivery.Status.SUCCEEDED, delivered_at=now)
        outcome = AttemptOutcome(WebhookDelivery.Status.SUCCEEDED)
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(
            status=WebhookDelivery.Status.FAILED, last_error=f"Gave up after {delivery.attempts} attempts. {error}"
        )
        outcome = AttemptOutcome(WebhookDelivery.Status.FAILED)
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, error)
    else:
        wait = backoff_seconds(delivery.attempts)
        fields["next_attempt_at"] = now + dt.timedelta(seconds=wait)
        outcome = AttemptOutcome(WebhookDelivery.Status.PENDING, retry_in=wait)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome


def webhook_delivery_retry(*, delivery_id: int) -> bool:
    """Send a failed delivery again from scratch (the admin's action). Returns whether it was queued."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None
        )
        if updated:
            WEBHOOK_OUTBOX.publish_after_commit(delivery_id)
    return bool(updated)


def webhook_deliveries_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Publish again every pending delivery whose message should have run ``WEBHOOK_DUE_GRACE_SECONDS`` ago.

    A lost message (broker restart, publish failure) leaves its delivery pending and overdue; a
    duplicate message is harmless (``_claim``). Returns the ids published.
    """
    now = now or timezone.now()
    overdue = now - dt.timedelta(seconds=settings.WEBHOOK_DUE_GRACE_SECONDS)
    stale = (
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=overdue)
        # Published again less than a grace period ago: give that message its chance first.
        .exclude(enqueued_at__gte=overdue)
        .values_list("pk", flat=True)[:1000]
    )
    return WEBHOOK_OUTBOX.sweep(stale)
