"""The life of an extraction job: publish, start, attach a fetched page, complete, fail, sweep.

A job row is the durable record; a broker message only carries its id. Every transition
takes a row lock on the job, so two deliveries of the same message (a redelivery after a
killed worker, a sweep that re-published) cannot both write. Item writes are idempotent by
the ``machine_item_unique_per_span`` constraint.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations import readcache
from annotations.models import Article, ArticleRevision, DeskEvent, ExtractionJob, HistoryEvent, Item
from annotations.rules.spans import content_hash, span_context, span_problem
from annotations.services.desk_events import desk_event_record
from annotations.services.history import history_record
from annotations.services.matching import match_job_create
from annotations.services.publishing import article_lock
from factcheck.errors import Conflict, Locked
from factcheck.outbox import Outbox
from workers.errors import PermanentExtractionError
from workers.extraction import ClaimSpan, Extraction, QuoteSpan, clean_text
from workers.extraction.html import PageDocument

EXTRACT_TASK = "workers.tasks.extract_article"
_ERROR_MAX = 2000


def _record_published(job_id: int) -> None:
    ExtractionJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())


def _record_publish_failure(job_id: int, note: str) -> None:
    ExtractionJob.objects.filter(pk=job_id, status=ExtractionJob.Status.QUEUED).update(
        last_error=note[:_ERROR_MAX], updated_at=timezone.now()
    )
    readcache.after_update(job_id=job_id)


EXTRACTION_OUTBOX = Outbox(
    task=EXTRACT_TASK,
    noun="extraction job",
    plural="extraction job(s)",
    waiting="queued",
    queue=lambda: settings.EXTRACTION_QUEUE,
    record_published=_record_published,
    record_failure=_record_publish_failure,
)


def extraction_job_create(*, article: Article, revision_id: int | None, source_url: str = "") -> ExtractionJob:
    """A new queued job for the revision ``revision_id`` (without one: for the page at ``source_url``).

    Call inside the transaction that changes the article, holding its row lock: the job becomes
    ``article.current_job`` (the caller saves the article) and is published after commit. When
    the broker is down the job stays ``queued``, the outage is written on it (visible in the API
    and the admin) and the periodic sweep publishes it again; it never runs inline instead
    (see ``factcheck.outbox``).
    """
    job = ExtractionJob.objects.create(article=article, revision_id=revision_id, source_url=source_url)
    article.current_job = job
    _job_event(job)
    EXTRACTION_OUTBOX.publish_after_commit(job.pk)
    return job


# Why a job of the article's current text stops an editor from queueing another one.
_NOT_AGAIN = {
    ExtractionJob.Status.QUEUED: "Extraction of this text is already queued (job {job}): a worker takes it next.",
    ExtractionJob.Status.RUNNING: "Extraction of this text is already running (job {job}).",
    ExtractionJob.Status.DONE: (
        "Extraction of this text is already done (job {job}): its claims and quotes are on the article. "
        "Change the text to extract again."
    ),
}


def article_extraction_requeue(*, article_id: int, editor: AbstractBaseUser) -> ExtractionJob:
    """Queue extraction again for the article's current text, after its job failed (or it has none).

    A new job is made, so the failed one keeps its error in the admin and the history; a URL
    article that never got its text fetches its page again. Raises ``Conflict`` while a job for
    that text is queued or running or once it is done (one job per text at a time, and a
    second run of a done one would only find the same items), ``Locked`` when the article is
    published (its items are locked, machine ones too).
    """
    with transaction.atomic():
        article = article_lock(article_id)
        if article.is_published:
            raise Locked("The article is published: reopen it before extracting its text again.")
        previous = ExtractionJob.objects.filter(pk=article.current_job_id).first()
        same_text = previous is not None and previous.revision_id == article.current_revision_id
        if same_text and previous.status in _NOT_AGAIN:
            raise Conflict(_NOT_AGAIN[previous.status].format(job=previous.pk))
        source_url = "" if article.current_revision_id else (previous.source_url if previous else article.source_url)
        if not article.current_revision_id and not source_url:
            raise Conflict("The article has no text and no page to fetch it from: post it again.")
        job = extraction_job_create(article=article, revision_id=article.current_revision_id, source_url=source_url)
        article.save(update_fields=["current_job", "updated_at"])
        history_record(
            article_id=article.pk,
            action=HistoryEvent.Action.EXTRACT,
            actor=editor,
            before={"job": previous.pk, "status": previous.status, "error": previous.last_error} if previous else {},
            after={"job": job.pk, "status": job.status},
        )
    return job


def extraction_job_start(*, job_id: int) -> ExtractionJob | None:
    """Mark the job running for this delivery and count the attempt.

    Returns ``None`` when there is nothing to do: the job is gone, already done or failed, or
    has used up ``EXTRACTION_MAX_ATTEMPTS`` (then it is marked failed, which is how an article
    that kills or hangs the worker ends instead of being redelivered forever).
    """
    now = timezone.now()
    with transaction.atomic():
        job = ExtractionJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ExtractionJob.Status.DONE, ExtractionJob.Status.FAILED):
            return None
        if _superseded(job):
            _mark_superseded(job, now)
            return None
        if job.attempts >= settings.EXTRACTION_MAX_ATTEMPTS:
            last = job.last_error or "the worker was lost or hit the hard time limit"
            _mark_failed(job, f"Gave up after {job.attempts} attempts. Last error: {last}", now)
            return None
        job.attempts += 1
        job.status = ExtractionJob.Status.RUNNING
        job.started_at = now
        job.updated_at = now
        job.save(update_fields=["attempts", "status", "started_at", "updated_at"])
        _job_event(job)
    return job


def extraction_job_attach_page(*, job_id: int, page: PageDocument) -> ArticleRevision:
    """Store a fetched page as the article's first revision and point the job at it.

    Call after ``extraction_job_start``. Idempotent: a job that already has its revision (an
    earlier attempt got this far) keeps it. Article metadata left blank at ingestion is filled
    from the page.
    """
    body = clean_text(page.text)
    if not body.strip():
        raise PermanentExtractionError("The fetched page has no article text.")
    article_id = ExtractionJob.objects.values_list("article_id", flat=True).get(pk=job_id)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)  # article, then job: see complete
        job = ExtractionJob.objects.select_for_update().get(pk=job_id)
        if job.revision_id is not None:
            return ArticleRevision.objects.get(pk=job.revision_id)
        number = (article.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        revision = ArticleRevision.objects.create(
            article=article, number=number, body=body, content_hash=content_hash(body)
        )
        job.revision = revision
        job.updated_at = timezone.now()
        job.save(update_fields=["revision", "updated_at"])
        article.current_revision = revision
        article.title = article.title or page.title[:500]
        article.byline = article.byline or page.byline[:300]
        article.publisher = article.publisher or page.publisher[:200]
        article.language = article.language or page.language[:16]
        article.published_date = article.published_date or page.published_date
        article.save()
        # The fetched page is the article's first text: the pages show it as a revision.
        desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.REVISE, payload={"revision": revision.pk})
    return revision


def extraction_job_complete(*, job_id: int, extraction: Extraction) -> int:
    """Write the extracted items and mark the job done, in one transaction.

    Returns how many items the extraction holds. A job that is no longer running (another
    delivery finished it) is left alone and 0 is returned. Raises ``ValueError`` when an item
    does not match the revision text, which is a bug in the engine, never stored.
    """
    now = timezone.now()
    article_id = ExtractionJob.objects.filter(pk=job_id).values_list("article_id", flat=True).first()
    if article_id is None:
        return 0
    with transaction.atomic():
        # Article first, as article_revise does: a revision cannot slip in between the check
        # below and the writes, and the two never wait on each other's locks in reverse order.
        Article.objects.select_for_update().filter(pk=article_id).first()
        job = ExtractionJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExtractionJob.Status.RUNNING:
            return 0
        if _superseded(job):
            # The article got new text while this ran: its items would land on a revision
            # nobody reads, and the newer job extracts the new text anyway.
            _mark_superseded(job, now)
            return 0
        revision = ArticleRevision.objects.get(pk=job.revision_id)
        items = [_claim_item(revision, claim, extraction.version) for claim in extraction.claims]
        items += [_quote_item(revision, quote, extraction.version) for quote in extraction.quotes]
        items = _without_items_already_there(revision, items)
        Item.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
        job.status = ExtractionJob.Status.DONE
        job.extractor_version = extraction.version
        job.last_error = ""
        job.finished_at = now
        job.updated_at = now
        job.save(update_fields=["status", "extractor_version", "last_error", "finished_at", "updated_at"])
        _job_event(job, items=len(items))
        # Has any of these claims been checked before? Asked on the matching queue after commit.
        match_job_create(revision_id=revision.pk)
    return len(items)


def extraction_job_record_error(*, job_id: int, error: str) -> None:
    """Note a transient error on a job that will be retried; it stays running."""
    ExtractionJob.objects.filter(pk=job_id).update(last_error=error[:_ERROR_MAX], updated_at=timezone.now())
    readcache.after_update(job_id=job_id)


def extraction_job_fail(*, job_id: int, error: str) -> None:
    """Mark the job failed for good with its error, unless another delivery finished it."""
    now = timezone.now()
    with transaction.atomic():
        job = ExtractionJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == ExtractionJob.Status.DONE:
            return
        _mark_failed(job, error, now)


def extraction_jobs_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Publish again every job that a lost message or a killed worker left behind.

    A job counts as left behind when it is still ``queued`` ``EXTRACTION_QUEUED_DEADLINE_SECONDS``
    after it was last published (or created, if publishing failed), or still ``running``
    ``EXTRACTION_RUNNING_DEADLINE_SECONDS`` after its last update (longer than the hard time
    limit). A duplicate message is harmless: ``extraction_job_start`` and the unique span
    constraint make the second delivery a no-op. Returns the ids published.
    """
    now = now or timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.EXTRACTION_QUEUED_DEADLINE_SECONDS)
    running_before = now - dt.timedelta(seconds=settings.EXTRACTION_RUNNING_DEADLINE_SECONDS)
    stale = ExtractionJob.objects.filter(
        Q(status=ExtractionJob.Status.QUEUED, enqueued_at__lt=queued_before)
        | Q(status=ExtractionJob.Status.QUEUED, enqueued_at__isnull=True, created_at__lt=queued_before)
        # A running job published again waits a full deadline before the next try, so a backed-up
        # queue does not collect one more copy of its message at every sweep.
        | Q(status=ExtractionJob.Status.RUNNING, updated_at__lt=running_before)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=running_before))
    ).values_list("pk", flat=True)
    return EXTRACTION_OUTBOX.sweep(stale)


def extraction_job_retry(*, job_id: int) -> bool:
    """Queue a failed (or stuck) job again from scratch, e.g. from the admin. Returns whether it was."""
    with transaction.atomic():
        updated = ExtractionJob.objects.filter(pk=job_id).exclude(status=ExtractionJob.Status.DONE).update(
            status=ExtractionJob.Status.QUEUED, attempts=0, last_error="", finished_at=None, updated_at=timezone.now()
        )
        if updated:
            readcache.after_update(job_id=job_id)
            EXTRACTION_OUTBOX.publish_after_commit(job_id)
    return bool(updated)


def _without_items_already_there(revision: ArticleRevision, items: list[Item]) -> list[Item]:
    """Drop extracted items that mostly overlap an item of the same kind already on the revision.

    Items carried over from an earlier revision (possibly with slightly moved boundaries) and
    items reviewers added keep their reviews; the engine must not add a near-copy beside them.
    Exact duplicates are also refused by the database (``machine_item_unique_per_span``).
    """
    existing: dict[str, list[tuple[int, int]]] = {}
    for kind, start, end in Item.objects.filter(revision=revision).values_list("kind", "start", "end"):
        existing.setdefault(kind, []).append((start, end))
    if not existing:
        return items

    def overlaps(item: Item) -> bool:
        for start, end in existing.get(item.kind, ()):
            shared = min(end, item.end) - max(start, item.start)
            if shared > 0 and shared * 2 >= max(end - start, item.end - item.start):
                return True
        return False

    return [item for item in items if not overlaps(item)]


def _superseded(job: ExtractionJob) -> bool:
    """Whether the article has moved on to a newer job (its text was revised)."""
    current = Article.objects.filter(pk=job.article_id).values_list("current_job_id", flat=True).first()
    return current is not None and current != job.pk


def _mark_superseded(job: ExtractionJob, now: dt.datetime) -> None:
    superseded = "Superseded: the article's text changed, and a newer job extracts it. Nothing was written."
    _finish(job, ExtractionJob.Status.DONE, superseded, now)


def _mark_failed(job: ExtractionJob, error: str, now: dt.datetime) -> None:
    _finish(job, ExtractionJob.Status.FAILED, error, now)


def _finish(job: ExtractionJob, status: str, error: str, now: dt.datetime) -> None:
    """End the locked job with ``status`` and the reason shown for it (an error, or why nothing ran)."""
    job.status = status
    job.last_error = error[:_ERROR_MAX]
    job.finished_at = now
    job.updated_at = now
    job.save(update_fields=["status", "last_error", "finished_at", "updated_at"])
    _job_event(job)


def _job_event(job: ExtractionJob, **extra: int) -> None:
    """Tell the article's open pages where its extraction stands (in the transaction of the change)."""
    desk_event_record(
        article_id=job.article_id,
        kind=DeskEvent.JOB,
        payload={"job": job.pk, "status": job.status, "error": job.last_error, **extra},
    )


def _machine_item(revision: ArticleRevision, span: ClaimSpan | QuoteSpan, kind: str, version: str, **fields) -> Item:
    """An unsaved machine item for ``span``, checked against the revision text, with its context."""
    if span_problem(revision.body, span.start, span.end, text=span.text, allow_blank=True) is not None:
        raise ValueError(
            f"Extractor returned a span [{span.start}:{span.end}] that does not match the revision text; "
            "the engine must keep text[start:end] == item.text."
        )
    prefix, suffix = span_context(revision.body, span.start, span.end, width=Item.CONTEXT_CHARS)
    return Item(
        kind=kind,
        revision=revision,
        start=span.start,
        end=span.end,
        text=span.text,
        prefix=prefix,
        suffix=suffix,
        score=min(1.0, max(0.0, float(span.score))),
        extractor_version=version,
        **fields,
    )


def _claim_item(revision: ArticleRevision, claim: ClaimSpan, version: str) -> Item:
    return _machine_item(revision, claim, Item.Kind.CLAIM, version, facets=dict(claim.facets))


def _quote_item(revision: ArticleRevision, quote: QuoteSpan, version: str) -> Item:
    has_speaker_span = (
        quote.speaker_start is not None and quote.speaker_end is not None and quote.speaker_start < quote.speaker_end
    )
    return _machine_item(
        revision,
        quote,
        Item.Kind.QUOTE,
        version,
        speaker=(quote.speaker or "")[:300],
        speaker_start=quote.speaker_start if has_speaker_span else None,
        speaker_end=quote.speaker_end if has_speaker_span else None,
        cue=(quote.cue or "")[:100],
    )
