"""End to end with a real Celery worker process: POST an article, read the extracted items.

The worker is a separate ``celery worker`` process consuming from the configured broker and
writing to the configured database: the embedded defaults (SQLite file + file broker) on a
laptop, PostgreSQL + Redis when ``DATABASE_URL`` and ``CELERY_BROKER_URL`` point at them, as
they do in CI. Setting ``FACTCHECK_REQUIRE_REAL_STACK=1`` makes the run fail rather than pass
on the embedded defaults, so CI cannot silently test less than it claims.
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

from annotations.models import Article, ExtractionJob, Item
from annotations.services.extraction import extraction_jobs_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = [
    (
        "Minister and envoy discuss air defence\n\nBy Example Newswire\n\n"
        "President Anna Example met the special envoy in Kyiv on Monday to discuss air defence.\n\n"
        "“We are grateful to our partners for all their strong decisions,” Example stated.\n\n"
        "According to the ministry, Russia launched over 330 missiles and 5,000 drones in June.\n\n"
        "Tags:\n\nRelated news & articles\n"
    ),
    (
        "Central bank holds rates\n\n"
        "The central bank kept its main rate at 2.5 percent on Thursday, the fourth meeting in a row. "
        "“Inflation is falling but remains above target,” governor Lee told reporters."
    ),
    "Unemployment fell to 4.1 percent in June, the lowest level since 2019, the statistics office said.",
]


def _database_url() -> str:
    """The URL of the database this test runs on (the test database), for the worker."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue(stack_name):
    """A real worker process consuming a queue of its own, so no other worker takes our jobs."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EXTRACTION_QUEUE": queue,
        "FACTCHECK_VAR_DIR": str(settings.VAR_DIR),
    }
    log_path = settings.VAR_DIR / f"{queue}.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--queues", queue, "--concurrency", "2",
             "--without-mingle", "--without-gossip", "--loglevel", "INFO", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with override_settings(EXTRACTION_QUEUE=queue):
        yield queue
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    if worker.returncode not in (0, -signal.SIGTERM):
        print(log_path.read_text()[-3000:])
    log_path.unlink(missing_ok=True)


def _wait_for_jobs(job_ids: list[int], timeout: float = 90.0) -> list[ExtractionJob]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = list(ExtractionJob.objects.filter(pk__in=job_ids))
        if all(job.status in ("done", "failed") for job in jobs):
            return jobs
        time.sleep(0.25)
    states = {job.pk: (job.status, job.last_error) for job in ExtractionJob.objects.filter(pk__in=job_ids)}
    pytest.fail(f"Jobs not finished after {timeout:.0f} s (is the worker running?): {states}")


def test_posted_articles_are_extracted_by_a_real_worker_and_readable_over_the_api(editor_client, worker_queue):
    ids = []
    for text in ARTICLES:
        response = editor_client.post("/api/v1/articles/", {"text": text}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["extraction"]["status"] == "queued"
        ids.append(response.json()["id"])

    jobs = _wait_for_jobs([Article.objects.get(pk=pk).current_job_id for pk in ids])

    assert [job.status for job in jobs] == ["done"] * len(ARTICLES), [job.last_error for job in jobs]
    for pk in ids:
        detail = editor_client.get(f"/api/v1/articles/{pk}/").json()
        assert detail["extraction"]["status"] == "done"
        claims = editor_client.get(f"/api/v1/articles/{pk}/claims/").json()["results"]
        quotes = editor_client.get(f"/api/v1/articles/{pk}/quotes/").json()["results"]
        assert claims, f"article {pk} should have at least one claim"
        for item in claims + quotes:
            assert detail["text"][item["start"] : item["end"]] == item["text"]
            assert item["status"] == "unverified"
    first_quotes = editor_client.get(f"/api/v1/articles/{ids[0]}/quotes/").json()["results"]
    assert any("We are grateful" in quote["text"] for quote in first_quotes)


def test_a_job_whose_message_was_lost_is_recovered_by_the_sweep(worker_queue):
    from tests.factories import article_with_revision

    # A job in the database whose broker message never arrived (written, never published).
    article = article_with_revision(body=ARTICLES[2])
    ExtractionJob.objects.filter(pk=article.current_job_id).update(created_at="2000-01-01T00:00:00Z")

    assert extraction_jobs_sweep() == [article.current_job_id]
    (job,) = _wait_for_jobs([article.current_job_id])

    assert job.status == "done"
    assert Item.objects.filter(revision=article.current_revision).exists()

