"""The extraction task and the job services it calls, run in-process against the database.

The task body is called directly (``.apply()`` runs it eagerly, with Celery's retry logic);
the integration tests run the same task in a real worker process.
"""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from annotations.models import ExtractionJob, Item
from annotations.services.ingest import article_ingest
from annotations.services.queue import (
    extraction_job_complete,
    extraction_job_start,
    extraction_jobs_sweep,
)
from tests.factories import UserFactory, article_with_revision
from workers import tasks
from workers.extraction import EXTRACTOR_VERSION, ClaimSpan, Extraction, QuoteSpan

BODY = (
    "President Anna Example met the envoy in Kyiv on Monday. "
    "“We are grateful for the 330 air defence missiles,” Example said. "
    "Unemployment fell to 4.1 percent in June, the lowest level since 2019."
)


def _job(article) -> ExtractionJob:
    return ExtractionJob.objects.get(pk=article.current_job_id)


@pytest.mark.django_db
def test_task_extracts_and_stores_anchored_items_and_marks_done(db):
    article = article_with_revision(body=BODY)

    tasks.extract_article.apply(args=[article.current_job_id])

    job = _job(article)
    assert job.status == "done" and job.attempts == 1 and job.extractor_version == EXTRACTOR_VERSION
    items = list(Item.objects.filter(revision=article.current_revision))
    assert items, "the engine should find at least one claim or quote in BODY"
    for item in items:
        assert BODY[item.start : item.end] == item.text
        assert item.prefix == BODY[max(0, item.start - 32) : item.start]
        assert item.suffix == BODY[item.end : item.end + 32]
        assert item.status == "unverified" and item.origin == "machine"
        assert item.extractor_version == EXTRACTOR_VERSION


@pytest.mark.django_db
def test_the_article_s_title_at_the_top_of_its_body_is_the_headline_not_a_claim(db):
    headline = "Unemployment fell to 4.1 percent in June, the lowest level since 2019"
    body = f"{headline}\n\n{BODY}"
    titled = article_with_revision(body=body, title=headline)
    other = article_with_revision(body=body, title="Jobs report")

    for article in (titled, other):
        tasks.extract_article.apply(args=[article.current_job_id])

    def claims_at_top(article) -> int:
        return Item.objects.filter(revision=article.current_revision, kind="claim", start=0).count()

    assert claims_at_top(other) == 1  # the same line under another title is scored as a sentence
    assert claims_at_top(titled) == 0
    assert Item.objects.filter(revision=titled.current_revision, kind="claim").count() >= 1  # the body's


@pytest.mark.django_db
def test_running_the_same_job_twice_duplicates_nothing(db):
    article = article_with_revision(body=BODY)
    tasks.extract_article.apply(args=[article.current_job_id])
    first = Item.objects.count()

    # A redelivered message for a finished job does nothing...
    tasks.extract_article.apply(args=[article.current_job_id])
    assert Item.objects.count() == first
    # ...and even forcing the job to run again writes no duplicate item.
    ExtractionJob.objects.filter(pk=article.current_job_id).update(status="queued")
    tasks.extract_article.apply(args=[article.current_job_id])
    assert Item.objects.count() == first
    assert _job(article).status == "done"


@pytest.mark.django_db
def test_complete_refuses_a_span_that_does_not_match_the_text(db):
    article = article_with_revision(body=BODY)
    extraction_job_start(job_id=article.current_job_id)
    wrong = Extraction(claims=[ClaimSpan(start=0, end=9, text="Not this!", score=0.5)], quotes=[], version="v")

    with pytest.raises(ValueError, match="does not match"):
        extraction_job_complete(job_id=article.current_job_id, extraction=wrong)
    assert Item.objects.count() == 0
    assert _job(article).status == "running"


@pytest.mark.django_db
def test_complete_writes_quote_fields(db):
    article = article_with_revision(body=BODY)
    extraction_job_start(job_id=article.current_job_id)
    start = BODY.index("We are")
    end = BODY.index(",” Example")
    quote = QuoteSpan(
        start=start, end=end, text=BODY[start:end], speaker="Anna Example",
        speaker_start=BODY.index("Example said"), speaker_end=BODY.index(" said."), cue="said",
    )

    extraction_job_complete(job_id=article.current_job_id, extraction=Extraction([], [quote], "v"))

    stored = Item.objects.get(kind="quote")
    assert (stored.speaker, stored.cue, stored.text) == ("Anna Example", "said", BODY[start:end])
    assert BODY[stored.speaker_start : stored.speaker_end] == "Example"


@pytest.mark.django_db
def test_engine_crash_marks_job_failed_with_the_error(db, monkeypatch):
    article = article_with_revision(body=BODY)

    def crash(text, **options):
        raise IndexError("engine bug on this text")

    monkeypatch.setattr(tasks.extraction, "extract", crash)
    tasks.extract_article.apply(args=[article.current_job_id])

    job = _job(article)
    assert job.status == "failed"
    assert "IndexError: engine bug on this text" in job.last_error
    assert Item.objects.count() == 0


@pytest.mark.django_db
def test_transient_error_is_retried_with_backoff_then_recorded_as_failure(db, monkeypatch):
    article = article_with_revision(body=BODY)
    calls = []

    def flaky(text, **options):
        calls.append(1)
        raise OperationalError("database went away")

    monkeypatch.setattr(tasks.extraction, "extract", flaky)
    # Eager apply runs Celery's retries one after the other, without waiting for the countdown.
    tasks.extract_article.apply(args=[article.current_job_id])

    assert len(calls) == tasks.extract_article.max_retries + 1
    job = _job(article)
    assert job.status == "failed"
    assert f"Failed after {len(calls)} tries. OperationalError: database went away" in job.last_error
    assert job.attempts == len(calls)


@pytest.mark.django_db
def test_transient_error_that_passes_leaves_the_job_done(db, monkeypatch):
    article = article_with_revision(body=BODY)
    real_extract = tasks.extraction.extract
    calls = []

    def flaky_once(text, **options):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_extract(text, **options)

    monkeypatch.setattr(tasks.extraction, "extract", flaky_once)
    tasks.extract_article.apply(args=[article.current_job_id])

    job = _job(article)
    assert job.status == "done" and job.last_error == "" and len(calls) == 2


@pytest.mark.django_db
@override_settings(EXTRACTION_MAX_ATTEMPTS=2)
def test_job_that_keeps_killing_workers_is_failed_after_max_attempts(db):
    article = article_with_revision(body=BODY)
    # Two deliveries started and never finished (the worker died each time).
    assert extraction_job_start(job_id=article.current_job_id) is not None
    assert extraction_job_start(job_id=article.current_job_id) is not None

    assert extraction_job_start(job_id=article.current_job_id) is None
    job = _job(article)
    assert job.status == "failed" and "Gave up after 2 attempts" in job.last_error


@pytest.mark.django_db
def test_sweep_republishes_lost_and_stuck_jobs_only(db, published_jobs):
    now = timezone.now()
    old = now - dt.timedelta(hours=1)
    lost = article_with_revision(body="Lost message.")
    ExtractionJob.objects.filter(pk=lost.current_job_id).update(enqueued_at=old)
    never_published = article_with_revision(body="Broker was down.")
    ExtractionJob.objects.filter(pk=never_published.current_job_id).update(created_at=old)
    stuck = article_with_revision(body="Worker was killed.")
    ExtractionJob.objects.filter(pk=stuck.current_job_id).update(status="running", updated_at=old)
    fresh = article_with_revision(body="Just queued.")
    ExtractionJob.objects.filter(pk=fresh.current_job_id).update(enqueued_at=now)
    done = article_with_revision(body="Finished.")
    ExtractionJob.objects.filter(pk=done.current_job_id).update(status="done", updated_at=old, enqueued_at=old)

    republished = extraction_jobs_sweep(now=now)

    expected = {lost.current_job_id, never_published.current_job_id, stuck.current_job_id}
    assert set(republished) == expected
    assert set(published_jobs) == expected
    # The next sweep, soon after, leaves them alone: their new messages are on their way.
    assert extraction_jobs_sweep(now=now + dt.timedelta(seconds=1)) == []


@pytest.mark.django_db(transaction=True)
def test_broker_outage_keeps_job_queued_and_reports_it(monkeypatch):
    from kombu.exceptions import OperationalError as BrokerError

    from factcheck.celery import app

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)
    result = article_ingest(added_by=UserFactory(), text="The river rose by 3 metres overnight.")

    job = ExtractionJob.objects.get(article=result.article)
    assert job.status == "queued"
    assert "Broker unavailable" in job.last_error
    assert Item.objects.count() == 0, "the job must not have been run inline"


class _PageHandler(BaseHTTPRequestHandler):
    """A small local site: an article, a redirect chain, an error page and a huge page."""

    article = (
        "<html lang='en'><head><title>Rates held</title><meta name='author' content='Sam Writer'></head><body>"
        "<article><h1>Rates held</h1><p>The central bank kept its main rate at 2.5 percent on Thursday, "
        "the fourth meeting in a row without a change, the bank said in a statement.</p>"
        "<p>“Inflation is falling but remains above target,” governor Lee told reporters.</p>"
        "</article></body></html>"
    ).encode()

    def do_GET(self):
        if self.path == "/article":
            self._send(200, self.article, "text/html; charset=utf-8")
        elif self.path.startswith("/hop"):
            hop = int(self.path[4:] or 0)
            self.send_response(302)
            self.send_header("Location", f"/hop{hop + 1}" if hop < 20 else "/article")
            self.end_headers()
        elif self.path == "/gone":
            self._send(404, b"not here", "text/html")
        elif self.path == "/busy":
            self._send(503, b"try later", "text/html")
        elif self.path == "/huge":
            self._send(200, b"<p>" + b"x" * 200_000 + b"</p>", "text/html")
        elif self.path == "/pdf":
            self._send(200, b"%PDF-1.4", "application/pdf")
        else:
            self._send(404, b"", "text/html")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The site is on 127.0.0.1, which the fetcher refuses unless private addresses are allowed.
    with override_settings(URL_FETCH_ALLOW_PRIVATE=True):
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _ingest_url(url: str) -> ExtractionJob:
    result = article_ingest(added_by=UserFactory(), url=url)
    tasks.extract_article.apply(args=[result.article.current_job_id])
    return ExtractionJob.objects.select_related("article", "revision").get(pk=result.article.current_job_id)


@pytest.mark.django_db
def test_url_job_fetches_page_stores_revision_and_metadata(site, published_jobs):
    job = _ingest_url(f"{site}/article")

    assert job.status == "done", job.last_error
    assert "kept its main rate at 2.5 percent" in job.revision.body
    assert job.article.current_revision_id == job.revision_id
    assert job.article.title == "Rates held" and job.article.byline == "Sam Writer"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/gone", "HTTP 404"),
        ("/hop0", "redirects more than"),
        ("/huge", "larger than the limit"),
        ("/pdf", "not a web page"),
    ],
)
@override_settings(URL_FETCH_MAX_BYTES=100_000, URL_FETCH_MAX_REDIRECTS=5)
def test_url_job_fails_clearly_on_pages_it_must_not_take(site, published_jobs, path, message):
    job = _ingest_url(f"{site}{path}")

    assert job.status == "failed"
    assert message in job.last_error
    assert job.revision is None


@pytest.mark.django_db
def test_url_job_retries_a_busy_source_then_fails_with_its_answer(site, published_jobs):
    job = _ingest_url(f"{site}/busy")

    assert job.status == "failed"
    assert "HTTP 503" in job.last_error and f"after {tasks.extract_article.max_retries + 1} tries" in job.last_error
