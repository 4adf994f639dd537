"""Webhooks: outbox rows written with the event, signed delivery, bounded retries, the sweep, the API.

The subscriber is a real HTTP server on 127.0.0.1 (``webhook_receiver``); the broker is stood in
for by ``sent_tasks``, and the delivery task is run here the way a worker would run it. Receivers
on 127.0.0.1 are refused by default (``tests/integrations/test_webhook_security.py``), so every
test here allows private targets, the way an intranet desk would.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from annotations.models import ExtractionJob, Item
from annotations.services.publishing import article_publish
from annotations.services.queue import extraction_job_complete, extraction_job_start
from annotations.services.review import item_resolve
from factcheck.celery import app
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services.webhooks import (
    backoff_seconds,
    webhook_deliveries_sweep,
    webhook_delivery_enqueue,
    webhook_signature,
    webhook_signature_valid,
    webhook_subscription_create,
)
from integrations.tasks import deliver_webhook
from tests.factories import UserFactory
from tests.support.desk import SENTENCE_1, item_on
from workers import extraction


@pytest.fixture(autouse=True)
def _local_receivers(settings):
    """The receivers here listen on 127.0.0.1: allow private targets, as a desk's intranet would."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def _subscribe(url: str, events: list[str], **fields) -> WebhookSubscription:
    return webhook_subscription_create(created_by=None, url=url, events=events, secret="s" * 32, **fields)


def _resolve(item: Item, editor, status: str = "correct") -> None:
    item_resolve(item_id=item.pk, kind=item.kind, editor=editor, status=status, expected_version=item.version)


@pytest.mark.django_db
def test_status_change_writes_a_delivery_per_subscriber_in_the_same_transaction(
    article, editor, sent_tasks, django_capture_on_commit_callbacks
):
    claim = item_on(article, SENTENCE_1)
    first = _subscribe("http://127.0.0.1:9/a", ["item.status_changed"])
    _subscribe("http://127.0.0.1:9/b", ["article.published"])  # not interested
    paused = _subscribe("http://127.0.0.1:9/c", ["item.status_changed"])
    WebhookSubscription.objects.filter(pk=paused.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _resolve(claim, editor)
        # Written before commit: the outbox row exists with the change, not after it.
        assert WebhookDelivery.objects.count() == 1

    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription == first and delivery.status == "pending"
    body = json.loads(delivery.request_body)
    assert body["event"] == "item.status_changed"
    assert body["data"] | {"at": None} == {
        "article": article.pk, "item": claim.pk, "kind": "claim", "text": SENTENCE_1,
        "revision": article.current_revision_id, "status": "correct", "previous_status": "unverified",
        "actor": "editor", "at": None,
    }
    assert len(callbacks) >= 1  # the verdict also schedules its fact-check library work
    assert [task for task in sent_tasks if task[0] == "integrations.tasks.deliver_webhook"] == [
        ("integrations.tasks.deliver_webhook", [delivery.pk], {"queue": "webhooks", "countdown": None})
    ]


@pytest.mark.django_db
def test_publish_and_finished_extraction_are_events_too(article, editor, sent_tasks):
    subscription = _subscribe("http://127.0.0.1:9/", ["article.published", "article.extracted"])
    job = ExtractionJob.objects.get(pk=article.current_job_id)

    extraction_job_start(job_id=job.pk)
    extraction_job_complete(job_id=job.pk, extraction=extraction.extract(article.current_revision.body))
    article_publish(article_id=article.pk, editor=editor)

    deliveries = {d.event: json.loads(d.request_body) for d in subscription.deliveries.all()}
    assert set(deliveries) == {"article.extracted", "article.published"}
    extracted = deliveries["article.extracted"]
    assert extracted["id"] == f"extraction_job:{job.pk}"
    assert extracted["data"]["article"] == article.pk and extracted["data"]["claims"] >= 1
    assert deliveries["article.published"]["data"]["actor"] == "editor"


@pytest.mark.django_db
def test_the_same_event_saved_again_is_not_delivered_twice(article, sent_tasks):
    _subscribe("http://127.0.0.1:9/", ["article.extracted"])
    job = ExtractionJob.objects.get(pk=article.current_job_id)
    job.status = "done"

    job.save()
    job.save()

    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db
def test_no_subscriber_means_no_rows_and_no_messages(article, editor, sent_tasks):
    _resolve(item_on(article, SENTENCE_1), editor)

    assert WebhookDelivery.objects.count() == 0 and sent_tasks == []


@pytest.mark.django_db
def test_delivery_is_signed_over_timestamp_and_body(article, editor, sent_tasks, webhook_receiver):
    _subscribe(webhook_receiver.url, ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)
    delivery = WebhookDelivery.objects.get()

    assert deliver_webhook(delivery.pk) == "succeeded"

    [request] = webhook_receiver.requests
    headers = request["headers"]
    assert request["body"] == delivery.request_body.encode("utf-8")
    assert headers["X-Factcheck-Event"] == "item.status_changed"
    assert headers["X-Factcheck-Delivery"] == str(delivery.pk)
    expected = webhook_signature(secret="s" * 32, timestamp=int(headers["X-Factcheck-Timestamp"]), body=request["body"])
    assert headers["X-Factcheck-Signature"] == expected
    assert webhook_signature_valid(
        secret="s" * 32, timestamp=headers["X-Factcheck-Timestamp"], body=request["body"], signature=expected
    )
    assert not webhook_signature_valid(
        secret="s" * 32, timestamp=headers["X-Factcheck-Timestamp"], body=request["body"] + b" ", signature=expected
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at is not None and delivery.response_body == '{"ok": true}'


@pytest.mark.django_db
@override_settings(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_BACKOFF_SECONDS=10, WEBHOOK_BACKOFF_MAX_SECONDS=15)
def test_failures_back_off_exponentially_and_the_last_one_is_recorded(article, editor, sent_tasks, webhook_receiver):
    webhook_receiver.answers = [503]
    _subscribe(webhook_receiver.url, ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)
    delivery = WebhookDelivery.objects.get()
    sent_tasks.clear()

    outcomes = []
    for _ in range(3):
        outcomes.append(deliver_webhook(delivery.pk))
        # Make the next attempt due now instead of waiting out the backoff.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    assert outcomes == ["pending", "pending", "failed"]
    assert [options["countdown"] for _, _, options in sent_tasks] == [10, 15]  # 10, 20 capped at 15
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 503)
    assert delivery.last_error.startswith("Gave up after 3 attempts. HTTP 503")
    assert len(webhook_receiver.requests) == 3
    assert deliver_webhook(delivery.pk) is None  # a late duplicate message sends nothing


def test_backoff_doubles_and_is_capped():
    with override_settings(WEBHOOK_BACKOFF_SECONDS=30, WEBHOOK_BACKOFF_MAX_SECONDS=100):
        assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


@pytest.mark.django_db
def test_redirects_are_not_followed(article, editor, sent_tasks, webhook_receiver):
    webhook_receiver.answers = [302]
    webhook_receiver.redirect_to = webhook_receiver.url + "/moved"
    _subscribe(webhook_receiver.url, ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)

    assert deliver_webhook(WebhookDelivery.objects.get().pk) == "pending"

    assert len(webhook_receiver.requests) == 1  # the Location was not requested
    assert "redirect" in WebhookDelivery.objects.get().last_error


@pytest.mark.django_db
@override_settings(WEBHOOK_TIMEOUT_SECONDS=0.5)
def test_unreachable_subscriber_is_a_recorded_failure(article, editor, sent_tasks):
    _subscribe("http://127.0.0.1:1/closed", ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)

    assert deliver_webhook(WebhookDelivery.objects.get().pk) == "pending"

    delivery = WebhookDelivery.objects.get()
    assert delivery.response_code is None and "Could not deliver to http://127.0.0.1:1/closed" in delivery.last_error


@pytest.mark.django_db
def test_sweep_republishes_what_a_lost_message_left_due(article, editor, sent_tasks):
    _subscribe("http://127.0.0.1:9/", ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)
    delivery = WebhookDelivery.objects.get()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=long_ago, enqueued_at=long_ago)

    assert webhook_deliveries_sweep() == [delivery.pk]
    assert webhook_deliveries_sweep() == []  # just published: its message gets a grace period first


@pytest.mark.django_db
def test_broker_outage_keeps_the_delivery_pending_and_says_so(article, editor, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(app, "send_task", broker_down)
    _subscribe("http://127.0.0.1:9/", ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)

    assert webhook_delivery_enqueue(delivery_id=WebhookDelivery.objects.get().pk) is False
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "Broker unavailable" in delivery.last_error


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editor_subscribes_and_gets_the_secret_once(editor_client):
    response = editor_client.post(
        "/api/v1/webhooks/", {"url": "https://hooks.example.com/x", "events": ["article.published"]}, format="json"
    )

    assert response.status_code == 201, response.content
    created = response.json()
    assert len(created["secret"]) == 64 and created["created_by"] == "editor"
    read = editor_client.get(f"/api/v1/webhooks/{created['id']}/").json()
    assert "secret" not in read and read["events"] == ["article.published"]
    assert WebhookSubscription.objects.get().secret == created["secret"]


@pytest.mark.django_db
def test_subscription_can_be_paused_changed_and_deleted(editor_client):
    subscription = _subscribe("https://hooks.example.com/x", ["article.published"])

    patched = editor_client.patch(
        f"/api/v1/webhooks/{subscription.pk}/", {"is_active": False, "events": ["item.status_changed"]}, format="json"
    )
    listed = editor_client.get("/api/v1/webhooks/").json()
    deleted = editor_client.delete(f"/api/v1/webhooks/{subscription.pk}/")

    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert listed["results"][0]["events"] == ["item.status_changed"]
    assert deleted.status_code == 204 and not WebhookSubscription.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://x.example.com/", "events": ["article.published"]}, "url"),
        ({"url": "https://x.example.com/", "events": ["article.deleted"]}, "events"),
        ({"url": "https://x.example.com/", "events": []}, "events"),
        ({"url": "https://x.example.com/", "events": ["article.published"], "retries": 3}, "retries"),
    ],
)
def test_bad_subscription_is_400_naming_the_field(editor_client, payload, field):
    response = editor_client.post("/api/v1/webhooks/", payload, format="json")

    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["error"]["fields"]), response.json()


@pytest.mark.django_db
def test_only_editors_see_subscriptions(reviewer_client, viewer_client):
    assert reviewer_client.get("/api/v1/webhooks/").status_code == 403
    assert viewer_client.post("/api/v1/webhooks/", {}, format="json").status_code == 403


@pytest.mark.django_db
def test_delivery_log_lists_body_code_attempts_and_error(editor_client, article, editor, sent_tasks, webhook_receiver):
    webhook_receiver.answers = [500]
    subscription = _subscribe(webhook_receiver.url, ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)
    deliver_webhook(WebhookDelivery.objects.get().pk)

    log = editor_client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]

    assert log[0]["response_code"] == 500 and log[0]["attempts"] == 1 and log[0]["status"] == "pending"
    assert "HTTP 500" in log[0]["last_error"] and json.loads(log[0]["request_body"])["event"] == "item.status_changed"


@pytest.mark.django_db
def test_admin_shows_the_delivery_log(client, article, editor, sent_tasks):
    _subscribe("http://127.0.0.1:9/", ["item.status_changed"])
    _resolve(item_on(article, SENTENCE_1), editor)
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))

    listing = client.get("/admin/integrations/webhookdelivery/")
    detail = client.get(f"/admin/integrations/webhookdelivery/{WebhookDelivery.objects.get().pk}/change/")

    assert listing.status_code == 200 and b"item.status_changed" in listing.content
    assert detail.status_code == 200 and b"previous_status" in detail.content
    assert client.get("/admin/integrations/webhooksubscription/").status_code == 200


@pytest.mark.django_db
def test_subscription_list_and_delivery_log_cost_fixed_queries(editor_client, editor, django_assert_max_num_queries):
    for n in range(15):
        subscription = webhook_subscription_create(
            created_by=editor, url=f"https://h.example.com/{n}", events=["article.published"]
        )
        WebhookDelivery.objects.create(
            subscription=subscription, event="article.published", event_id=f"e{n}", request_body="{}"
        )

    with django_assert_max_num_queries(3):  # token with roles, count, page with creators
        assert len(editor_client.get("/api/v1/webhooks/").json()["results"]) == 15
    with django_assert_max_num_queries(4):  # token with roles, subscription, count, page
        assert len(editor_client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]) == 1
