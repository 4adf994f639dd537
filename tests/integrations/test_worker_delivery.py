"""End to end with a real Celery worker: an article is extracted, and the subscriber hears of it.

The worker is a separate ``celery worker`` process on the configured database and broker (the
embedded defaults on a laptop, PostgreSQL + Redis in CI); the subscriber is a real HTTP server
on 127.0.0.1. The chain under test: the worker marks the job done, the ``post_save`` seam writes
the delivery in that transaction, publishes it after commit, and a worker POSTs it, signed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from integrations.models import WebhookDelivery
from integrations.services.webhooks import webhook_signature_valid, webhook_subscription_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "integration-secret-0123456789"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = f"{db.get('USER') or ''}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
    return (
        f"postgres://{auth + '@' if auth else ''}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def real_stack() -> None:
    """CI sets FACTCHECK_REQUIRE_REAL_STACK=1: then this must run on PostgreSQL + Redis."""
    on_real_stack = connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis")
    if os.environ.get("FACTCHECK_REQUIRE_REAL_STACK") == "1" and not on_real_stack:
        pytest.fail(
            f"FACTCHECK_REQUIRE_REAL_STACK=1 but running on {connection.vendor}; set DATABASE_URL and CELERY_BROKER_URL"
        )


@pytest.fixture
def worker(real_stack):
    """A worker consuming a queue of its own; extraction and webhooks share it (WEBHOOK_QUEUE empty)."""
    queue = f"test-hooks-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EXTRACTION_QUEUE": queue,
        "WEBHOOK_QUEUE": "",
        "FACTCHECK_VAR_DIR": str(settings.VAR_DIR),
    }
    log_path = settings.VAR_DIR / f"{queue}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--queues", queue, "--concurrency", "2",
             "--without-mingle", "--without-gossip", "--loglevel", "INFO", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with override_settings(EXTRACTION_QUEUE=queue, WEBHOOK_QUEUE=""):
        yield queue
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log_path.unlink(missing_ok=True)


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
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.filter(status="succeeded").count() != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert WebhookDelivery.objects.get().status == "succeeded"
