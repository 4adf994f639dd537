"""Celery tasks: take ids, re-read the rows, call services. Nothing else lives here."""

from __future__ import annotations

import logging
import socket

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from annotations.dashboard.heartbeats import worker_heartbeat_record
from annotations.dashboard.snapshot import desk_snapshot_refresh
from annotations.models import ArticleRevision
from annotations.services.desk_events import desk_events_sequence
from annotations.services.queue import (
    extraction_job_attach_page,
    extraction_job_complete,
    extraction_job_fail,
    extraction_job_record_error,
    extraction_job_start,
    extraction_jobs_sweep,
)
from workers import extraction
from workers.errors import PermanentExtractionError, TransientExtractionError
from workers.extraction.html import document_from_html
from workers.fetching import fetch_page

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the network blinked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, TransientExtractionError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.EXTRACTION_MAX_RETRIES,
    soft_time_limit=settings.EXTRACTION_SOFT_TIME_LIMIT,
    time_limit=settings.EXTRACTION_TIME_LIMIT,
)
def extract_article(self, job_id: int) -> None:
    """Run extraction job ``job_id``: fetch the page if the job has a URL, extract, store.

    Transient errors are retried with exponential backoff up to ``EXTRACTION_MAX_RETRIES``;
    then, like any permanent error or a soft time-out, the job is marked failed with the error.
    """
    try:
        job = extraction_job_start(job_id=job_id)
        if job is None:
            return
        if job.revision_id is None:
            page = fetch_page(
                job.source_url,
                timeout=settings.URL_FETCH_TIMEOUT_SECONDS,
                max_bytes=settings.URL_FETCH_MAX_BYTES,
                max_redirects=settings.URL_FETCH_MAX_REDIRECTS,
            )
            revision = extraction_job_attach_page(job_id=job_id, page=document_from_html(page.body, url=page.url))
        else:
            revision = ArticleRevision.objects.select_related("article").get(pk=job.revision_id)
        # The title tells the engine which first line is the headline (never a claim of its own).
        result = extraction.extract(revision.body, headline=revision.article.title, **_engine_options())
        extraction_job_complete(job_id=job_id, extraction=result)
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
        if self.request.retries >= self.max_retries:
            _fail_quietly(job_id, f"Failed after {self.request.retries + 1} tries. {error}")
            return
        _record_quietly(job_id, error)
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    except SoftTimeLimitExceeded:
        _fail_quietly(job_id, f"Extraction took longer than {settings.EXTRACTION_SOFT_TIME_LIMIT} s.")
    except PermanentExtractionError as exc:
        _fail_quietly(job_id, str(exc))
    except Exception as exc:
        # A crash inside the engine is deterministic: retrying the same text cannot help.
        logger.exception("Extraction job %s failed", job_id)
        _fail_quietly(job_id, f"{type(exc).__name__}: {exc}")


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_extraction_jobs() -> int:
    """Periodic (beat): publish again the jobs a lost message or a dead worker left behind."""
    return len(extraction_jobs_sweep())


@shared_task(soft_time_limit=30, time_limit=60)
def sweep_desk_events() -> int:
    """Periodic (beat): number the desk events a crash between commit and sequencing left unnumbered
    (waiting for the sequencer's lock, where a writer's sequencer would leave them to its holder)."""
    return desk_events_sequence(wait=True)


def _engine_options() -> dict:
    threshold = settings.CLAIM_SCORE_THRESHOLD
    options = {"mode": settings.CLAIMS_MODE}
    return options if threshold is None else {**options, "claim_threshold": threshold}


def _fail_quietly(job_id: int, error: str) -> None:
    """Record the failure; if even that is impossible (database down), leave it to the sweep."""
    try:
        extraction_job_fail(job_id=job_id, error=error)
    except DatabaseError:
        logger.exception("Could not record the failure of extraction job %s; the sweep will retry it", job_id)


def _record_quietly(job_id: int, error: str) -> None:
    try:
        extraction_job_record_error(job_id=job_id, error=error)
    except DatabaseError:
        logger.warning("Could not note the error of extraction job %s", job_id)


@shared_task(bind=True, ignore_result=True, soft_time_limit=10, time_limit=20)
def record_worker_heartbeat(self) -> None:
    """Periodic (beat): the worker that runs this notes it is alive; the admin dashboard shows it."""
    worker_heartbeat_record(hostname=self.request.hostname or socket.gethostname())


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def refresh_dashboard() -> None:
    """Periodic (beat): recompute the admin dashboard's desk-wide figures (see ``annotations.dashboard``).

    Idempotent: it overwrites the one snapshot row, so a duplicate or late message costs a
    recomputation and nothing else.
    """
    snapshot = desk_snapshot_refresh()
    logger.info("Dashboard figures recomputed in %.2f s", snapshot.seconds)
