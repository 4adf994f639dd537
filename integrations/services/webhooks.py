"""Webhooks: subscriptions, recording events as deliveries (the outbox), signing, sending, sweeping.

The life of a delivery: ``webhook_event_record`` writes one pending row per active subscriber
inside the transaction of the domain change and publishes its id after commit. A worker runs
``webhook_delivery_attempt``: it claims the row for one attempt (a short lock, not held during
the request), POSTs the signed body without following redirects, and records the outcome. A
failed attempt is due again after an exponential backoff, up to ``WEBHOOK_MAX_ATTEMPTS``; then
the delivery is ``failed`` with its last error, visible in the admin and the API.
``webhook_deliveries_sweep`` publishes again what a lost message left due.

An editor names the URL and reads the answer, so a delivery follows the URL fetcher's rules
(``workers.fetching``): the host must resolve to public addresses only, checked when subscribing
and again when sending (DNS may change), and the connection goes to the address checked.
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` lifts this for receivers on the desk's own network. One attempt
never outlasts ``WEBHOOK_TIMEOUT_SECONDS`` of wall-clock time, reads at most ``_READ_BYTES`` of
the answer and keeps ``_KEPT_BODY_CHARS`` of it: enough for the receiver's operator to debug.
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
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from factcheck.errors import InvalidInput, NotFound
from factcheck.outbox import Outbox
from integrations.models import Event, WebhookDelivery, WebhookSubscription
from workers import fetching
from workers.errors import PermanentExtractionError, TransientExtractionError

logger = logging.getLogger(__name__)

DELIVER_TASK = "integrations.tasks.deliver_webhook"
SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
# What is kept of an error, of a response body, and read of it: enough to debug, not a copy of
# a page (with private targets allowed, the answer may come from an internal service).
_KEPT_CHARS = 2000
_KEPT_BODY_CHARS = 200
_READ_BYTES = 4 * 1024
_ALLOW_SETTING = "WEBHOOK_ALLOW_PRIVATE_TARGETS"


# --- Subscriptions ---------------------------------------------------------------------------


def _checked_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(Event.values))
    if unknown or not events:
        raise InvalidInput(
            f"Subscribe to one or more of: {', '.join(Event.values)}.",
            fields={"events": [f"Unknown: {', '.join(unknown)}." if unknown else "Name at least one event."]},
        )
    return sorted(set(events))


def _checked_url(url: str) -> str:
    """Refuse a URL whose host resolves to an address deliveries may not reach.

    A name that does not resolve (yet) is accepted: every delivery checks again before sending.
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return url
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return url  # an invalid port: the serializer's URL validation answers for it
    if not host:
        return url
    try:
        addresses = fetching.resolve_host(host, port)
    except (OSError, UnicodeError):
        return url
    refusal = fetching.address_refusal(host, addresses)
    if refusal:
        raise InvalidInput(
            "Webhooks are only delivered to public addresses.",
            fields={"url": [f"{refusal}; {_ALLOW_SETTING}=true lifts this for an intranet receiver."]},
        )
    return url


def webhook_subscription_create(
    *, created_by: AbstractBaseUser, url: str, events: list[str], name: str = "", secret: str = ""
) -> WebhookSubscription:
    """Subscribe ``url`` to ``events``. Without a ``secret`` one is generated (returned once by the API)."""
    return WebhookSubscription.objects.create(
        name=name,
        url=_checked_url(url),
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
        if "url" in changes:
            changes["url"] = _checked_url(changes["url"])
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


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | AttemptOutcome | None:
    """Take the delivery for one attempt, or ``None`` if it is done, not due, or being sent.

    A delivery whose attempts are spent (each one died before it was recorded: a killed worker)
    is failed here instead, and its outcome returned, so ``attempts`` never passes the maximum.
    """
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
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            last = delivery.last_error or "The last attempt ended without a result (its worker stopped)."
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = f"Gave up after {delivery.attempts} attempts. {last}"[:_KEPT_CHARS]
            delivery.locked_until = None
            delivery.save(update_fields=["status", "last_error", "locked_until"])
            logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, last)
            return AttemptOutcome(WebhookDelivery.Status.FAILED)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        # Longer than one attempt can take, so a duplicate message waits rather than sends twice;
        # a worker killed mid-request frees it after this.
        delivery.locked_until = now + dt.timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)
        delivery.save(update_fields=["attempts", "last_attempt_at", "locked_until"])
    return delivery


@dataclass(frozen=True)
class _Answer:
    """What one POST got: the status code (None without one), the start of the body, the error
    ("" on success), and whether trying again is pointless (a refused address)."""

    code: int | None
    body: str = ""
    error: str = ""
    final: bool = False


def _send(delivery: WebhookDelivery) -> _Answer:
    """POST the body once, within ``WEBHOOK_TIMEOUT_SECONDS`` of wall-clock time for the whole exchange."""
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
        # Never follows redirects: a 3xx would re-send a signed body to a host nobody subscribed.
        exchange = fetching.open_checked(
            "POST", subscription.url, headers=headers, body=body, deadline=time.monotonic() + timeout,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE_TARGETS, allow_setting=_ALLOW_SETTING, purpose="deliver to",
        )
    except fetching.RefusedAddress as exc:
        return _Answer(None, error=str(exc)[:_KEPT_CHARS], final=True)
    except (PermanentExtractionError, TransientExtractionError) as exc:
        return _Answer(None, error=str(exc)[:_KEPT_CHARS])
    try:
        response = exchange.response
        code, reason = response.status, (response.reason or "")[:60]
        location = response.headers.get("Location", "")[:200]
        try:
            raw = response.read(_READ_BYTES, decode_content=True)
        except Exception:  # noqa: BLE001 - the status is the answer; a broken body only loses the excerpt
            raw = b""
        cut = exchange.cut
    finally:
        exchange.close()
    text = raw.decode("utf-8", "replace")[:_KEPT_BODY_CHARS]
    if cut:
        return _Answer(code, text, f"The subscriber took longer than {timeout:g} s to answer (HTTP {code} so far).")
    if 200 <= code < 300:
        return _Answer(code, text)
    if 300 <= code < 400:
        return _Answer(code, text, f"HTTP {code}: redirect to {location or '?'} not followed; update the URL.")
    status_line = f"HTTP {code} {reason}".strip()
    return _Answer(code, text, f"{status_line} from the subscriber.")


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptOutcome | None:
    """Make one attempt at a delivery and record it. ``None`` when there was nothing to do.

    Safe to call for a duplicate message: only a pending, due, unclaimed delivery is sent. Every
    attempt that was claimed is recorded, the worker's soft time limit included.
    """
    claimed = _claim(delivery_id, timezone.now())
    if not isinstance(claimed, WebhookDelivery):
        return claimed
    delivery = claimed
    try:
        answer = _send(delivery)
    except SoftTimeLimitExceeded:
        # Only what the deadline does not bound can get here (a DNS lookup that hangs).
        answer = _Answer(None, error="The attempt ran past the worker's soft time limit.")
    now = timezone.now()
    fields = {
        "response_code": answer.code, "response_body": answer.body, "last_error": answer.error, "locked_until": None
    }
    if not answer.error:
        fields.update(status=WebhookDelivery.Status.SUCCEEDED, delivered_at=now)
        outcome = AttemptOutcome(WebhookDelivery.Status.SUCCEEDED)
    elif answer.final:
        fields.update(status=WebhookDelivery.Status.FAILED)
        outcome = AttemptOutcome(WebhookDelivery.Status.FAILED)
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, answer.error)
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        gave_up = f"Gave up after {delivery.attempts} attempts. {answer.error}"
        fields.update(status=WebhookDelivery.Status.FAILED, last_error=gave_up)
        outcome = AttemptOutcome(WebhookDelivery.Status.FAILED)
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, answer.error)
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
