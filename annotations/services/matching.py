"""Matching claims against the fact-check library: the runs (an outbox of ``MatchJob`` rows), the
matches they store, and a reviewer's feedback on a match.

A run is one of two kinds: a revision's claims against the library (queued when extraction
finishes), or one new fact-check against the open claims (queued when a desk verdict or an
import adds it). The engine is not imported here: the worker passes a ``Ranker`` (query text and
the database's candidates in, ``(id, score)`` best first out) and the matcher's version, so
this module stays plain Django and its tests need no model.

Idempotent by construction: the matches of a claim are replaced as a whole (a pair a reviewer
confirmed or rejected is kept as they left it), and ``(item, factcheck)`` is unique.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models import ArticleRevision, ClaimMatch, DeskEvent, FactCheck, HistoryEvent, Item, MatchJob
from annotations.selectors.factchecks import (
    CandidateRow,
    factcheck_candidates,
    factcheck_match_text,
    open_claim_candidates,
)
from annotations.services.desk_events import desk_events_record_many
from annotations.services.history import item_history_record
from factcheck.errors import NotFound
from factcheck.outbox import Outbox

MATCH_TASK = "workers.matching_tasks.run_match_job"
_ERROR_MAX = 2000
# A query and the database's candidates in; ``(candidate id, score in 0..1)``, best first, out.
# A ranker may also have ``prepare(queries)``: a run tells it its queries before reading their
# candidates, so it can start on them meanwhile (the engine's embeds them on a thread), and
# ``close()``, called when the run has ranked them or failed.
Ranker = Callable[[str, list[CandidateRow]], list[tuple[int, float]]]


def _record_published(job_id: int) -> None:
    MatchJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())


def _record_publish_failure(job_id: int, note: str) -> None:
    MatchJob.objects.filter(pk=job_id, status=MatchJob.Status.QUEUED).update(
        last_error=note[:_ERROR_MAX], updated_at=timezone.now()
    )


MATCHING_OUTBOX = Outbox(
    task=MATCH_TASK,
    noun="match job",
    plural="match job(s)",
    waiting="queued",
    queue=lambda: settings.MATCHING_QUEUE,
    record_published=_record_published,
    record_failure=_record_publish_failure,
)


def match_job_create(*, revision_id: int | None = None, factcheck_id: int | None = None) -> MatchJob:
    """Queue a run for the revision's claims, or for one fact-check against the open claims.

    Call in the transaction that made the run worth doing; the job is published after commit. A
    run of the same target already waiting is returned instead of a second one.
    """
    target = {"revision_id": revision_id} if revision_id is not None else {"factcheck_id": factcheck_id}
    waiting = MatchJob.objects.filter(status=MatchJob.Status.QUEUED, **target).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            job = MatchJob.objects.create(**target)
    except IntegrityError:
        # Another transaction queued the same run first: that one will do.
        return MatchJob.objects.filter(status=MatchJob.Status.QUEUED, **target).first()
    MATCHING_OUTBOX.publish_after_commit(job.pk)
    return job


def match_jobs_for_new_factchecks(*, factcheck_ids: Sequence[int]) -> int:
    """Queue the matching of newly imported fact-checks against the open claims, bounded.

    Up to ``MATCH_NEW_FACTCHECKS_MAX`` new rows get a run each; a larger import instead re-matches
    the ``MATCH_REMATCH_REVISIONS`` latest revisions that hold open claims (one run each), so the
    work is bounded by the open claims, not by the size of the import. Returns the runs queued.
    """
    if len(factcheck_ids) <= settings.MATCH_NEW_FACTCHECKS_MAX:
        for factcheck_id in factcheck_ids:
            match_job_create(factcheck_id=factcheck_id)
        return len(factcheck_ids)
    revisions = list(
        ArticleRevision.objects.filter(
            items__kind=Item.Kind.CLAIM, items__status=Item.Status.UNVERIFIED, items__dismissed=False,
            items__orphaned=False, article__published_at__isnull=True,
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .distinct()[: settings.MATCH_REMATCH_REVISIONS]
    )
    for revision_id in revisions:
        match_job_create(revision_id=revision_id)
    return len(revisions)


def match_job_start(*, job_id: int) -> MatchJob | None:
    """Mark the run running and count the attempt; None when there is nothing to do (gone,
    finished, or out of attempts, which marks it failed)."""
    now = timezone.now()
    with transaction.atomic():
        job = MatchJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (MatchJob.Status.DONE, MatchJob.Status.FAILED):
            return None
        if job.attempts >= settings.MATCHING_MAX_ATTEMPTS:
            job.status = MatchJob.Status.FAILED
            job.last_error = f"Gave up after {job.attempts} starts (the worker died or hung each time)."
            job.finished_at = job.updated_at = now
            job.save(update_fields=["status", "last_error", "finished_at", "updated_at"])
            return None
        job.status = MatchJob.Status.RUNNING
        job.attempts += 1
        job.updated_at = now
        job.save(update_fields=["status", "attempts", "updated_at"])
    return job


def match_job_run(*, job_id: int, ranker: Ranker, matcher_version: str) -> int:
    """Run the started job ``job_id`` with ``ranker`` and mark it done; returns the matches stored."""
    job = MatchJob.objects.get(pk=job_id)
    if job.revision_id is not None:
        stored = _match_revision(job.revision_id, ranker=ranker, matcher_version=matcher_version)
    else:
        stored = _match_factcheck(job.factcheck_id, ranker=ranker, matcher_version=matcher_version)
    MatchJob.objects.filter(pk=job_id, status=MatchJob.Status.RUNNING).update(
        status=MatchJob.Status.DONE, matched=stored, matcher_version=matcher_version[:120], last_error="",
        finished_at=timezone.now(), updated_at=timezone.now(),
    )
    return stored


def match_job_fail(*, job_id: int, error: str) -> None:
    """Mark the run failed with ``error`` (shown with the claim's matches)."""
    now = timezone.now()
    MatchJob.objects.filter(pk=job_id).exclude(status=MatchJob.Status.DONE).update(
        status=MatchJob.Status.FAILED, last_error=error[:_ERROR_MAX], finished_at=now, updated_at=now
    )


def match_job_record_error(*, job_id: int, error: str) -> None:
    """Note a transient error on the run, which goes back to queued for its retry."""
    MatchJob.objects.filter(pk=job_id, status=MatchJob.Status.RUNNING).update(
        status=MatchJob.Status.QUEUED, last_error=error[:_ERROR_MAX], updated_at=timezone.now()
    )


def match_jobs_sweep() -> list[int]:
    """Publish again the runs a lost message (queued too long) or a dead worker (running too long) left."""
    now = timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.MATCHING_QUEUED_DEADLINE_SECONDS)
    running_before = now - dt.timedelta(seconds=settings.MATCHING_RUNNING_DEADLINE_SECONDS)
    stale = list(
        MatchJob.objects.filter(
            Q(status=MatchJob.Status.QUEUED, updated_at__lt=queued_before)
            | Q(status=MatchJob.Status.RUNNING, updated_at__lt=running_before)
        )
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
    MatchJob.objects.filter(pk__in=stale).update(status=MatchJob.Status.QUEUED, updated_at=now)
    return MATCHING_OUTBOX.sweep(stale)


def _kept(found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return [(pk, min(1.0, max(0.0, score))) for pk, score in found if score >= settings.MATCH_MIN_SCORE][
        : settings.MATCH_KEEP
    ]


def _match_revision(revision_id: int, *, ranker: Ranker, matcher_version: str) -> int:
    claims = list(
        Item.objects.filter(revision_id=revision_id, kind=Item.Kind.CLAIM, dismissed=False)
        .select_related("revision")
        .only("id", "text", "revision__article_id")
    )
    prepare, close = getattr(ranker, "prepare", None), getattr(ranker, "close", None)
    if prepare is not None:
        prepare([claim.text for claim in claims])
    found_by_item = {}
    try:
        for claim in claims:  # read and rank first; then one short transaction writes them all
            rows = factcheck_candidates(
                text=claim.text, exclude_article_id=claim.revision.article_id, item_id=claim.pk
            )
            found_by_item[claim.pk] = _kept(ranker(claim.text, rows)) if rows else []
    finally:
        if close is not None:
            close()
    claim_matches_replace_many(found_by_item=found_by_item, matcher_version=matcher_version)
    return sum(len(found) for found in found_by_item.values())


def _match_factcheck(factcheck_id: int, *, ranker: Ranker, matcher_version: str) -> int:
    factcheck = FactCheck.objects.filter(pk=factcheck_id).first()
    if factcheck is None:
        return 0  # Taken out of the library (the item went back to unverified) before the run.
    text = factcheck_match_text(claim_text=factcheck.claim_text, title=factcheck.title)
    rows = open_claim_candidates(text=factcheck.claim_text, exclude_article_id=factcheck.article_id)
    found = _kept(ranker(text, rows)) if rows else []
    for item_id, score in found:
        claim_match_add(item_id=item_id, factcheck_id=factcheck_id, score=score, matcher_version=matcher_version)
    return len(found)


def claim_matches_replace(*, item_id: int, found: list[tuple[int, float]], matcher_version: str) -> None:
    """Make ``found`` (``(factcheck_id, score)``) the item's matches: rows matching no longer found
    are removed, unless a reviewer gave feedback on them; a rejected pair is never written again."""
    claim_matches_replace_many(found_by_item={item_id: found}, matcher_version=matcher_version)


def claim_matches_replace_many(*, found_by_item: dict[int, list[tuple[int, float]]], matcher_version: str) -> None:
    """``claim_matches_replace`` for several items in one transaction and a handful of statements
    (a revision's claims at once: one commit instead of one per claim and one write per match)."""
    if not found_by_item:
        return
    version = matcher_version[:120]
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (match.item_id, match.factcheck_id): match
            for match in ClaimMatch.objects.select_for_update().filter(item_id__in=list(found_by_item)).order_by("pk")
        }
        wanted = {(item_id, fid) for item_id, found in found_by_item.items() for fid, _score in found}
        stale = [
            match.pk
            for key, match in existing.items()
            if key not in wanted and match.feedback == ClaimMatch.Feedback.NONE
        ]
        if stale:
            ClaimMatch.objects.filter(pk__in=stale).delete()
        new, changed = [], []
        for item_id, found in found_by_item.items():
            for factcheck_id, score in found:
                match = existing.get((item_id, factcheck_id))
                if match is None:
                    new.append(
                        ClaimMatch(item_id=item_id, factcheck_id=factcheck_id, score=score, matcher_version=version)
                    )
                elif match.feedback != ClaimMatch.Feedback.REJECTED:
                    match.score, match.matcher_version, match.updated_at = score, version, now
                    changed.append(match)
        # A concurrent run of the same revision may have stored a pair since: one row is the point.
        ClaimMatch.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        ClaimMatch.objects.bulk_update(changed, ["score", "matcher_version", "updated_at"], batch_size=500)
        removed = set(stale)
        _matches_events({match.item_id for match in new} | {m.item_id for m in existing.values() if m.pk in removed})


def claim_match_add(*, item_id: int, factcheck_id: int, score: float, matcher_version: str) -> None:
    """Add (or refresh) one pair found from the fact-check's side; a rejected pair stays rejected."""
    updated = (
        ClaimMatch.objects.filter(item_id=item_id, factcheck_id=factcheck_id)
        .exclude(feedback=ClaimMatch.Feedback.REJECTED)
        .update(score=score, matcher_version=matcher_version[:120], updated_at=timezone.now())
    )
    if updated or ClaimMatch.objects.filter(item_id=item_id, factcheck_id=factcheck_id).exists():
        return
    try:
        with transaction.atomic():
            ClaimMatch.objects.create(
                item_id=item_id, factcheck_id=factcheck_id, score=score, matcher_version=matcher_version[:120]
            )
            _matches_events({item_id})
    except IntegrityError:
        pass  # A concurrent run stored the same pair: one row is the point.


def _matches_events(item_ids: set[int]) -> None:
    """Tell the open pages of these items' articles that their matches changed (in the write's transaction)."""
    if not item_ids:
        return
    articles = Item.objects.filter(pk__in=item_ids).values_list("pk", "revision__article_id")
    desk_events_record_many(
        [DeskEvent(article_id=article_id, item_id=item_id, kind=DeskEvent.MATCHES) for item_id, article_id in articles]
    )


def match_feedback(
    *, item_id: int, kind: str, match_id: int, reviewer: AbstractBaseUser, feedback: str
) -> ClaimMatch:
    """A reviewer confirms or rejects one of the item's matches; recorded in the item's history.

    A rejected pair is no longer shown and is never written again by a later run.
    """
    with transaction.atomic():
        match = (
            ClaimMatch.objects.select_for_update(of=("self",))
            .select_related("item__revision")
            .filter(pk=match_id, item_id=item_id, item__kind=kind)
            .first()
        )
        if match is None:
            raise NotFound(f"No match {match_id} on {kind} {item_id}.")
        before = {"match": match.pk, "factcheck": match.factcheck_id, "feedback": match.feedback}
        match.feedback = feedback
        match.feedback_by = reviewer
        match.feedback_at = timezone.now()
        match.save(update_fields=["feedback", "feedback_by", "feedback_at", "updated_at"])
        item_history_record(
            match.item,
            actor=reviewer,
            action=HistoryEvent.Action.MATCH_FEEDBACK,
            before=before,
            after={"match": match.pk, "factcheck": match.factcheck_id, "feedback": feedback, "score": match.score},
        )
    return match
