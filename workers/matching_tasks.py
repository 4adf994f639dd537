"""Celery tasks of matching (the ``matching`` queue): take ids, load the engine, call services.

``run_match_job`` runs one ``MatchJob`` with the sentence encoder and ``workers.matching.rank``;
``embed_factchecks`` stores the embeddings of fact-checks that have none of the current encoder
(in batches, never at import time); ``sweep_match_jobs`` publishes again what a lost message
left. Loaded by the worker through ``CELERY_IMPORTS`` (autodiscovery only finds ``tasks.py``).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from annotations.selectors.factchecks import CandidateRow, factcheck_match_text, factchecks_to_embed
from annotations.services.factchecks import factcheck_terms_refresh, factchecks_store_embeddings
from annotations.services.matching import (
    Ranker,
    match_job_fail,
    match_job_record_error,
    match_job_run,
    match_job_start,
    match_jobs_sweep,
)
from workers.encoder import Encoder, EncoderUnavailable, get_encoder, vector_from_bytes, vector_to_bytes
from workers.matching import Candidate, embed_facts, matcher_version, query_vector_of, rank

logger = logging.getLogger(__name__)

# Errors worth another try: the database blinked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# How many of the database's candidates the engine returns, best first.
RANK_LIMIT = 10


class EngineRanker:
    """The engine as the matching service wants it (a ``Ranker``): ``ranker(query, rows)`` ->
    ``[(fact-check id, score)]`` best first.

    ``prepare(queries)`` is told a run's queries up front and embeds them on a thread of its own
    while the service reads each claim's candidates from the database: the encoder (onnxruntime)
    and the wait for PostgreSQL both let go of the GIL, so a claim's vector is ready by the time
    its candidates are, instead of costing its own milliseconds after them. The vectors are the
    same either way (one text per run, one thread per run).
    """

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._ahead: dict[str, Future] = {}

    def prepare(self, queries: list[str]) -> None:
        pool = _embedding_pool()
        for query in dict.fromkeys(queries):
            if query not in self._ahead:
                self._ahead[query] = pool.submit(query_vector_of, query, self.encoder)

    def close(self) -> None:
        """Drop the vectors not yet computed (a run that failed or timed out must not leave them
        queued ahead of the next run's on the process's one embedding thread)."""
        for ahead in self._ahead.values():
            ahead.cancel()
        self._ahead.clear()

    def __call__(self, query: str, rows: list[CandidateRow]) -> list[tuple[int, float]]:
        # The database's word score (PostgreSQL: summed IDF of the words a row shares; SQLite:
        # FTS5's BM25) is the lexical signal, taken relative to the set's best as the fusion does.
        # On CLEF 2020 train through PostgreSQL it ranks as well as BM25 recomputed within the set
        # (MAP@5 0.865 both) and saves that work; a row without one makes rank() recompute BM25.
        encoder = self.encoder
        candidates = [
            Candidate(
                id=str(row.id),
                text=row.text,
                lexical=row.lexical,
                embedding=(
                    vector_from_bytes(row.embedding, encoder.dim)
                    if row.embedding is not None and row.embedding_version == encoder.version
                    else None
                ),
            )
            for row in rows
        ]
        ahead = self._ahead.get(query)
        vector = ahead.result() if ahead is not None else None
        ranked = rank(query, candidates, limit=RANK_LIMIT, encoder=encoder, query_vector=vector)
        return [(int(match.id), float(match.score)) for match in ranked]


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _embedding_pool() -> ThreadPoolExecutor:
    """One embedding thread per worker process, started on first use (after the prefork pool forked:
    a thread does not survive a fork)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-embed"))
        return _pool[1]


def engine_ranker(encoder: Encoder) -> tuple[Ranker, str]:
    """The engine as the matching service wants it, and the version stored with each match."""
    return EngineRanker(encoder), matcher_version(encoder)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.MATCHING_MAX_RETRIES,
    soft_time_limit=settings.MATCHING_SOFT_TIME_LIMIT,
    time_limit=settings.MATCHING_TIME_LIMIT,
)
def run_match_job(self, job_id: int) -> int | None:
    """Run match job ``job_id``. A missing or corrupt model fails the job with the encoder's
    message (no silent fallback); transient database errors are retried with backoff, bounded."""
    try:
        job = match_job_start(job_id=job_id)
        if job is None:
            return None
        try:
            encoder = get_encoder()
        except EncoderUnavailable as exc:
            match_job_fail(job_id=job_id, error=f"The sentence encoder is unavailable: {exc}")
            logger.error("Match job %s failed: the sentence encoder is unavailable: %s", job_id, exc)
            return None
        ranker, version = engine_ranker(encoder)
        return match_job_run(job_id=job_id, ranker=ranker, matcher_version=version)
    except TRANSIENT_ERRORS as exc:
        error = f"{type(exc).__name__}: {exc}"
        if self.request.retries >= self.max_retries:
            _fail_quietly(job_id, f"Failed after {self.request.retries + 1} tries. {error}")
            return None
        _quietly(match_job_record_error, job_id, error)
        raise self.retry(exc=exc, countdown=min(60, 2 ** (self.request.retries + 1))) from exc
    except SoftTimeLimitExceeded:
        _fail_quietly(job_id, f"Matching took longer than {settings.MATCHING_SOFT_TIME_LIMIT} s.")
    except Exception as exc:
        logger.exception("Match job %s failed", job_id)
        _fail_quietly(job_id, f"{type(exc).__name__}: {exc}")
    return None


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def embed_factchecks(batch_size: int | None = None) -> int:
    """Embed up to ``FACTCHECK_EMBED_BATCHES_PER_RUN`` batches of ``batch_size`` fact-checks lacking a
    current embedding; queue itself again when more are left. Idempotent (same text, same bytes)."""
    batch_size = batch_size or settings.FACTCHECK_EMBED_BATCH
    try:
        encoder = get_encoder()
    except EncoderUnavailable as exc:
        logger.error("Fact-checks cannot be embedded: the sentence encoder is unavailable: %s", exc)
        return 0
    stored = 0
    for _ in range(settings.FACTCHECK_EMBED_BATCHES_PER_RUN):
        rows = list(factchecks_to_embed(version=encoder.version, batch=batch_size))
        if not rows:
            return stored
        texts = [factcheck_match_text(claim_text=row.claim_text, title=row.title) for row in rows]
        vectors = embed_facts(texts, encoder)
        stored += factchecks_store_embeddings(
            vectors=[(row.pk, vector_to_bytes(vector)) for row, vector in zip(rows, vectors, strict=True)],
            version=encoder.version,
            texts={row.pk: text for row, text in zip(rows, texts, strict=True)},
        )
    embed_factchecks.apply_async(args=[batch_size], queue=settings.MATCHING_QUEUE)
    return stored


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def refresh_factcheck_terms() -> int:
    """Count the library's search words again (after an import, and periodically from beat);
    the candidate search reads the counts to leave out the words nearly every fact-check holds."""
    return factcheck_terms_refresh()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_match_jobs() -> int:
    """Periodic (beat): publish again the match jobs a lost message or a dead worker left behind."""
    return len(match_jobs_sweep())


def _fail_quietly(job_id: int, error: str) -> None:
    _quietly(match_job_fail, job_id, error)


def _quietly(record, job_id: int, error: str) -> None:
    """Record on the job; if even that is impossible (database down), the sweep finds it."""
    try:
        record(job_id=job_id, error=error)
    except DatabaseError:
        logger.exception("Could not record the error of match job %s; the sweep will retry it", job_id)
