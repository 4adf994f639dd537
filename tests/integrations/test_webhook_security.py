"""Webhooks under attack: internal targets (SSRF), a receiver that trickles, a body worth stealing.

An editor names the URL the worker POSTs to and reads what it answered, so a subscription is an
open door into the deployment unless deliveries follow the URL fetcher's rules
(``workers.fetching``): only public addresses, checked when subscribing and again when sending,
the connection pinned to the checked address. ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` stays at its
default (false) here, except where a test says otherwise. Receivers are real sockets on
127.0.0.1; DNS is outside the project, so a name's answer comes from a fake resolver.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone

from annotations.models import ExtractionJob
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import webhooks
from integrations.tasks import deliver_webhook
from workers import fetching

INTERNAL_URLS = [
    "http://127.0.0.1:6379/",
    "http://localhost:8000/admin/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.7/",
    "http://[::1]:5432/",
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
]


def _delivery_to(url: str, **subscription_fields) -> WebhookDelivery:
    """A pending delivery to ``url``, written straight to the rows (as one recorded before the rule existed)."""
    subscription = WebhookSubscription.objects.create(
        url=url, events=["article.published"], secret="s" * 32, **subscription_fields
    )
    return WebhookDelivery.objects.create(
        subscription=subscription, event="article.published", event_id=f"t:{subscription.pk}", request_body='{"a":1}'
    )


def _fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer for the names in ``answers``; the real resolver for the rest. Returns the names asked."""
    asked: list[str] = []
    real = fetching.resolve_host

    def resolve(host: str, port: int):
        asked.append(host)
        if host in answers:
            return [ipaddress.ip_address(a) for a in answers[host]]
        return real(host, port)

    monkeypatch.setattr(fetching, "resolve_host", resolve)
    return asked


# --- Point 7: internal targets ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.attack(
    "Webhooks", "subscribe a loopback / private / metadata / 6to4 URL", "400 naming `url`, nothing stored"
)
@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_subscribing_an_internal_address_is_400_and_stores_nothing(editor_client, url):
    response = editor_client.post("/api/v1/webhooks/", {"url": url, "events": ["article.published"]}, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["url"], error
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS" in error["fields"]["url"][0]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.attack("Webhooks", "PATCH a subscription's URL to 127.0.0.1", "400 naming `url`, the URL kept")
def test_moving_a_subscription_to_an_internal_address_is_400_and_keeps_the_url(editor_client):
    subscription = WebhookSubscription.objects.create(url="https://93.184.216.34/hook", events=["article.published"])

    response = editor_client.patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"url": "http://127.0.0.1:6379/"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["url"]
    subscription.refresh_from_db()
    assert subscription.url == "https://93.184.216.34/hook"


@pytest.mark.django_db
def test_a_name_that_does_not_resolve_yet_is_accepted_and_checked_when_sending(editor_client, monkeypatch):
    asked = _fake_dns(monkeypatch, {})

    response = editor_client.post(
        "/api/v1/webhooks/", {"url": "https://hooks.invalid/x", "events": ["article.published"]}, format="json"
    )

    assert response.status_code == 201, response.content
    assert asked == ["hooks.invalid"]


@pytest.mark.django_db
@pytest.mark.attack(
    "Webhooks", "DNS answer turns to 127.0.0.1 after subscribing (rebinding)",
    "delivery refused before connecting, failed with the reason, receiver got nothing",
)
def test_a_target_that_now_resolves_to_loopback_is_refused_when_sending(editor_client, monkeypatch, webhook_receiver):
    port = webhook_receiver.url.split(":")[2].split("/")[0]
    _fake_dns(monkeypatch, {"hooks.test": ["93.184.216.34"]})
    created = editor_client.post(
        "/api/v1/webhooks/", {"url": f"http://hooks.test:{port}/hook", "events": ["article.published"]}, format="json"
    )
    assert created.status_code == 201, created.content
    WebhookDelivery.objects.create(
        subscription_id=created.json()["id"], event="article.published", event_id="e1", request_body="{}"
    )
    _fake_dns(monkeypatch, {"hooks.test": ["127.0.0.1"]})

    assert deliver_webhook(WebhookDelivery.objects.get().pk) == "failed"

    assert webhook_receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, None)
    assert "hooks.test resolves to 127.0.0.1, a loopback address" in delivery.last_error


@pytest.mark.django_db
@pytest.mark.attack(
    "Webhooks", "a delivery row aimed at 127.0.0.1 (made in the admin / before the rule)",
    "refused at delivery time, nothing sent",
)
def test_a_stored_internal_target_is_refused_when_sending(webhook_receiver):
    delivery = _delivery_to(webhook_receiver.url)

    assert deliver_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert webhook_receiver.requests == [] and delivery.status == "failed"
    assert "Refused to deliver to" in delivery.last_error and "WEBHOOK_ALLOW_PRIVATE_TARGETS" in delivery.last_error


@pytest.mark.django_db
@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
def test_the_connection_is_pinned_to_the_checked_address_with_the_name_in_host(monkeypatch, webhook_receiver):
    port = webhook_receiver.url.split(":")[2].split("/")[0]
    asked = _fake_dns(monkeypatch, {"intranet.test": ["127.0.0.1"]})
    delivery = _delivery_to(f"http://intranet.test:{port}/hook")

    assert deliver_webhook(delivery.pk) == "succeeded"

    assert asked == ["intranet.test"]  # one answer, and the connection went to it
    [request] = webhook_receiver.requests
    assert request["headers"]["Host"] == f"intranet.test:{port}" and request["path"] == "/hook"


@pytest.mark.django_db
@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
@pytest.mark.attack(
    "Webhooks", "receiver (an internal service) answers a 50 kB page the editor reads back",
    "at most 4 kB read, 200 characters kept",
)
def test_only_the_start_of_the_answer_is_kept(editor_client, webhook_receiver):
    webhook_receiver.answers = [500]
    webhook_receiver.body = b"secret-config " * 4000  # 56 kB
    delivery = _delivery_to(webhook_receiver.url)

    deliver_webhook(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.response_code == 500 and delivery.response_body == ("secret-config " * 4000)[:200]
    assert delivery.last_error == "HTTP 500 Internal Server Error from the subscriber."
    log = editor_client.get(f"/api/v1/webhooks/{delivery.subscription_id}/deliveries/").json()["results"]
    assert len(log[0]["response_body"]) == 200


# --- Point 5: a slow receiver --------------------------------------------------------------------


@pytest.fixture
def trickling_receiver() -> Iterator[dict]:
    """A receiver that answers its headers slowly, then one byte a second for up to 8 s.

    Each byte comes well within a per-read timeout, so only a deadline for the whole exchange
    cuts it. ``held`` is how long each connection stayed open.
    """
    server = socket.create_server(("127.0.0.1", 0))
    state = {"url": f"http://127.0.0.1:{server.getsockname()[1]}/hook", "held": []}

    def serve_one(conn: socket.socket) -> None:
        opened = time.monotonic()
        try:
            conn.recv(65536)
            for piece in (b"HTTP/1.1 200 OK\r\n", b"Content-Length: 100000\r\n\r\n"):
                conn.sendall(piece)
                time.sleep(0.5)
            while time.monotonic() - opened < 8:
                conn.sendall(b"x")
                time.sleep(1)
        except OSError:
            pass  # the client hung up: what the test wants
        finally:
            state["held"].append(time.monotonic() - opened)
            conn.close()

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield state
    server.close()


@pytest.mark.django_db
@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=True, WEBHOOK_TIMEOUT_SECONDS=2)
@pytest.mark.attack(
    "Webhooks", "receiver trickles one byte a second (under any per-read timeout)",
    "cut at WEBHOOK_TIMEOUT_SECONDS for the whole exchange, recorded as a failed attempt",
)
def test_a_trickling_receiver_is_cut_at_the_deadline_and_the_failure_recorded(trickling_receiver):
    delivery = _delivery_to(trickling_receiver["url"])

    started = time.monotonic()
    outcome = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)  # the receiver gives up after 8 s
    held = time.monotonic() - started

    assert held < 3.5, f"held the worker {held:.1f} s with a 2 s deadline"
    assert outcome.status == "pending" and outcome.retry_in is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.locked_until) == ("pending", 1, None)
    assert "took longer than 2 s" in delivery.last_error


@pytest.mark.django_db
@override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
@pytest.mark.attack(
    "Webhooks", "the worker's soft time limit fires inside the send",
    "the attempt is recorded (error, backoff, lock released), not left for the sweep forever",
)
def test_the_soft_time_limit_inside_the_send_is_recorded(monkeypatch, webhook_receiver, sent_tasks):
    delivery = _delivery_to(webhook_receiver.url)

    def time_is_up(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(fetching, "open_checked", time_is_up)

    assert deliver_webhook(delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.locked_until) == ("pending", 1, None)
    assert "time limit" in delivery.last_error and delivery.next_attempt_at > timezone.now()
    assert [name for name, _, _ in sent_tasks] == ["integrations.tasks.deliver_webhook"]  # the retry


@pytest.mark.django_db
@override_settings(WEBHOOK_MAX_ATTEMPTS=3)
@pytest.mark.attack(
    "Webhooks", "messages keep coming for a delivery whose attempts died unrecorded",
    "claimed at most WEBHOOK_MAX_ATTEMPTS times, then failed; attempts never grows past it",
)
def test_a_delivery_at_its_maximum_is_failed_when_claimed_not_sent_again(webhook_receiver):
    delivery = _delivery_to(webhook_receiver.url)
    # Three attempts that died mid-send (worker killed): counted, lock expired, nothing recorded.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=3, locked_until=timezone.now())

    assert deliver_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error.startswith("Gave up after 3 attempts")
    assert webhook_receiver.requests == []
    assert deliver_webhook(delivery.pk) is None


@pytest.mark.django_db
def test_deliveries_go_to_their_own_queue_by_default(sent_tasks):
    delivery = _delivery_to("https://93.184.216.34/hook")

    webhooks.webhook_delivery_enqueue(delivery_id=delivery.pk)

    assert sent_tasks == [
        ("integrations.tasks.deliver_webhook", [delivery.pk], {"queue": "webhooks", "countdown": None})
    ]


# --- Point 13 (last sentence): a lost database connection while recording an event ---------------


@pytest.mark.django_db
def test_a_lost_connection_while_recording_an_event_is_one_clear_line(article, caplog):
    job = ExtractionJob.objects.get(pk=article.current_job_id)

    def connection_lost(execute, sql, params, many, context):
        if "integrations_webhooksubscription" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    job.status = ExtractionJob.Status.DONE
    with caplog.at_level(logging.INFO, logger="integrations.signals"), connection.execute_wrapper(connection_lost):
        job.save()

    [record] = [r for r in caplog.records if r.name == "integrations.signals"]
    assert record.levelno == logging.WARNING and record.exc_info is None, "one line, no traceback"
    message = record.getMessage()
    assert "database connection" in message and "server closed the connection unexpectedly" in message
    assert f"article.extracted (extraction_job:{job.pk})" in message
    job.refresh_from_db()
    assert job.status == "done"  # the worker's change went on
