"""End to end with a real Celery worker process: POST an article, read the extracted items.

The worker is a separate ``celery worker`` process consuming from the configured broker and
writing to the configured database: the embedded defaults (SQLite file + file broker) on a
laptop, PostgreSQL + Redis when ``DATABASE_URL`` and ``CELERY_BROKER_URL`` point at them, as
they do in CI. Setting ``FACTCHECK_REQUIRE_REAL_STACK=1`` makes the run fail rather than pass
on the embedded defaults, so CI cannot silently test less than it claims.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.test import override_settings

from annotations.models import Article, ExtractionJob, Item
from annotations.services.queue import extraction_jobs_sweep
from tests.support.workers import worker_process

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

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


@pytest.fixture
def worker_queue(stack_name):
    """A real worker process consuming a queue of its own, so no other worker takes our jobs."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    with worker_process(queue=queue), override_settings(EXTRACTION_QUEUE=queue):
        yield queue


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

