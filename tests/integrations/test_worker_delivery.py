"""End to end with a real Celery worker: an article is extracted, and the subscriber hears of it.

The worker is a separate ``celery worker`` process on the configured database and broker (the
embedded defaults on a laptop, PostgreSQL + Redis in CI); the subscriber is a real HTTP server
on 127.0.0.1. The chain under test: the worker marks the job done, the ``post_save`` seam writes
the delivery in that transaction, publishes it after commit, and a worker POSTs it, signed.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.test import override_settings

from integrations.models import WebhookDelivery
from integrations.services.webhooks import webhook_signature_valid, webhook_subscription_create
from tests.support.workers import worker_process

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SECRET = "integration-secret-0123456789"


@pytest.fixture
def worker(stack_name):
    """A worker consuming queues of its own: extraction, and deliveries on a queue of theirs (as by default).

    The receiver listens on 127.0.0.1, so private targets are allowed, in the worker and here.
    """
    queue = f"test-hooks-{uuid.uuid4().hex[:8]}"
    hooks = f"{queue}-webhooks"
    with (
        worker_process(queue=queue, WEBHOOK_QUEUE=hooks, WEBHOOK_ALLOW_PRIVATE_TARGETS="true"),
        override_settings(EXTRACTION_QUEUE=queue, WEBHOOK_QUEUE=hooks, WEBHOOK_ALLOW_PRIVATE_TARGETS=True),
    ):
        yield queue


def test_extracted_article_is_delivered_signed_by_a_real_worker(editor, editor_client, worker, webhook_receiver):
    webhook_subscription_create(
        created_by=editor, url=webhook_receiver.url, events=["article.extracted"], secret=SECRET
    )

    response = editor_client.post(
        "/api/v1/articles/",
        {"text": "Unemployment fell to 4.1 percent in June, the lowest level since 2019, the office said."},
        format="json",
    )
    assert response.status_code == 201, response.content

    deadline = time.monotonic() + 90
    while not webhook_receiver.requests and time.monotonic() < deadline:
        time.sleep(0.25)
    states = list(WebhookDelivery.objects.values_list("status", "last_error"))
    assert webhook_receiver.requests, f"No delivery within 90 s (is the worker running?): {states}"
    request = webhook_receiver.requests[0]
    headers = request["headers"]
    assert headers["X-Factcheck-Event"] == "article.extracted"
    assert webhook_signature_valid(
        secret=SECRET, timestamp=headers["X-Factcheck-Timestamp"], body=request["body"],
        signature=headers["X-Factcheck-Signature"],
    )
    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.filter(status="succeeded").count() != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert WebhookDelivery.objects.get().status == "succeeded"
