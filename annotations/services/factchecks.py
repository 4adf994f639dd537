"""Writes of the fact-check library: the desk's own verdicts kept in step, imported reviews stored,
embeddings stored when the background task has computed them.

A claim or quote that reaches ``correct`` or ``disputed`` becomes (or updates) its desk
``FactCheck``; one that goes back to ``unverified`` takes its fact-check out of the library (and
its matches with it). Who may see a desk check's verdict is decided when it is read, from the
item's article (blind mode, publication, ``rules.visibility``), so publishing or reopening the
article changes who sees it without a write here.

The word counts of the library's search (``FactCheckTerm``) are rebuilt after an import and
periodically (``factcheck_terms_refresh``), never row by row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import FactCheck, FactCheckVector, Item, Review
from annotations.selectors.factchecks import factcheck_match_text
from annotations.services import matching as matching_services
from factcheck.celery import app

logger = logging.getLogger(__name__)

# The verdicts that make an item an earlier check other claims can be matched against.
CHECKED = (Item.Status.CORRECT, Item.Status.DISPUTED)
EMBED_TASK = "workers.matching_tasks.embed_factchecks"
TERMS_TASK = "workers.matching_tasks.refresh_factcheck_terms"
# The GIN indexes of the library's search (migration 0009).
SEARCH_INDEXES = ("factcheck_search_idx", "factcheck_claim_trgm_idx")


def factcheck_sync_from_item(item: Item) -> FactCheck | None:
    """Make the item's desk fact-check agree with the item's status (``item.status`` as set, saved
    or not). Call while holding the item's row lock, in the transaction that changed the status.

    Returns the fact-check, or None when the item is no longer checked (its row is removed). A new
    or changed check is matched against the open claims and embedded after commit.
    """
    if item.status not in CHECKED:
        FactCheck.objects.filter(item_id=item.pk).delete()
        return None
    rationale, evidence = _rationale_and_evidence(item)
    article = item.revision.article
    before = FactCheck.objects.filter(item_id=item.pk).values_list("claim_text", "title").first()
    factcheck, _ = FactCheck.objects.update_or_create(
        item_id=item.pk,
        defaults={
            "source": FactCheck.Source.DESK,
            "article_id": article.pk,
            "claim_text": item.text,
            "title": article.title[:500],
            "verdict": item.status,
            "rating": item.get_status_display(),
            "rationale": rationale,
            "evidence": evidence,
            "publisher": settings.CLAIMREVIEW_ORGANIZATION_NAME[:300],
            "reviewed_at": item.status_changed_at,
            "language": article.language,
        },
    )
    if before is not None and before != (item.text, article.title[:500]):
        # New words (a moved span, an edited text or title): the stored vector no longer says them.
        FactCheckVector.objects.filter(factcheck=factcheck).delete()
    matching_services.match_job_create(factcheck_id=factcheck.pk)
    factchecks_embed_after_commit()
    return factcheck


def _rationale_and_evidence(item: Item) -> tuple[str, list[dict]]:
    """An editor's note when the status is theirs; otherwise the latest current review that gave
    the verdict, its rationale and evidence."""
    if item.resolution_status == item.status and item.resolution_note:
        return item.resolution_note, []
    review = (
        Review.objects.filter(item_id=item.pk, is_current=True, verdict=item.status)
        .order_by("-created_at", "-id")
        .only("rationale", "evidence")
        .first()
    )
    return (review.rationale, list(review.evidence or [])) if review else ("", [])


def factchecks_import_batch(rows: Sequence[FactCheck]) -> list[FactCheck]:
    """Store a batch of imported fact-checks, skipping those stored before (same review URL or id).

    ``rows`` are unsaved and valid (``integrations.services.factcheck_import`` checked them).
    Returns the rows stored. Call inside the import's transaction; embedding and matching of the
    new rows are left to the background tasks (after commit), so an import never waits for them.
    """
    urls = {row.review_url for row in rows if row.review_url}
    ids = {row.external_id for row in rows if row.external_id}
    known_urls = set(FactCheck.objects.filter(review_url__in=urls).values_list("review_url", flat=True))
    known_ids = set(FactCheck.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
    fresh: list[FactCheck] = []
    for row in rows:
        if (row.review_url and row.review_url in known_urls) or (row.external_id and row.external_id in known_ids):
            continue
        # The same review twice in one batch is one review.
        known_urls.add(row.review_url)
        known_ids.add(row.external_id)
        fresh.append(row)
    if fresh:
        FactCheck.objects.bulk_create(fresh, batch_size=1000)
    return fresh


def factchecks_after_import(*, factcheck_ids: Sequence[int]) -> None:
    """After an import (in its transaction): embed the new rows and match them against the open
    claims, both after commit (``matching.match_jobs_for_new_factchecks`` bounds the matching)."""
    if factcheck_ids:
        matching_services.match_jobs_for_new_factchecks(factcheck_ids=factcheck_ids)
        factchecks_embed_after_commit()
        _after_commit_queue(TERMS_TASK, [], "the count of the library's search words")


def factchecks_embed_after_commit() -> None:
    """Ask a worker to embed the rows without an embedding, once this transaction commits.

    A lost message loses nothing: beat runs the same task periodically (``embed-factchecks``).
    """
    _after_commit_queue(EMBED_TASK, [settings.FACTCHECK_EMBED_BATCH], "the embedding of fact-checks")


def _after_commit_queue(task: str, args: list, what: str) -> None:
    """Queue ``task`` on the matching queue once this transaction commits; a broker that is down
    is logged, and beat's periodic run of the same task does the work later."""

    def publish() -> None:
        try:
            app.send_task(task, args=args, queue=settings.MATCHING_QUEUE)
        except Exception:
            logger.warning("Could not queue %s; beat's periodic run will", what, exc_info=True)

    transaction.on_commit(publish, robust=True)


def factchecks_store_embeddings(
    *, vectors: Iterable[tuple[int, bytes]], version: str, texts: Mapping[int, str] | None = None
) -> int:
    """Store computed embeddings (``(factcheck_id, float32 bytes)``) of encoder ``version``, in
    place of any the fact-checks had (``FactCheckVector`` says why they live apart).

    ``texts`` gives, per fact-check, the text that was embedded (``factcheck_match_text``): a
    fact-check whose words changed since (a desk edit, which also queued it again) is skipped,
    so an old text's vector is never stored as the new one's. A fact-check removed since its text
    was read is skipped too. Idempotent. Returns how many vectors were stored.
    """
    wanted = dict(vectors)
    if not wanted:
        return 0
    with transaction.atomic():
        # Locked, so that none is changed or taken out of the library between this read and the insert.
        current = {
            pk: factcheck_match_text(claim_text=claim_text, title=title)
            for pk, claim_text, title in FactCheck.objects.select_for_update()
            .filter(pk__in=list(wanted))
            .order_by("pk")
            .values_list("pk", "claim_text", "title")
        }
        rows = [
            FactCheckVector(factcheck_id=pk, version=version, data=data)
            for pk, data in wanted.items()
            if pk in current and (texts is None or texts.get(pk) == current[pk])
        ]
        FactCheckVector.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["factcheck"], update_fields=["version", "data"]
        )
    return len(rows)


def factcheck_terms_refresh() -> int:
    """Keep the library's PostgreSQL search fast after it grew: merge the search indexes' pending
    entries, then count again, for every search word, the fact-checks that hold it (``ts_stat``
    over the stored search vectors) and replace the kept counts in one transaction, so a search
    reads either the old counts or the new ones. Returns how many words.

    GIN indexes take new rows into a pending list that every search reads through, unordered,
    until it is merged (by vacuum, or when it fills): after a 100,000-row import it made one
    candidate query take 10 ms more. A no-op elsewhere: SQLite's FTS5 keeps its own statistics.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        for index in SEARCH_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE annotations_factcheckterm IN EXCLUSIVE MODE")  # two refreshes take turns
        cursor.execute("DELETE FROM annotations_factcheckterm")
        cursor.execute(
            "INSERT INTO annotations_factcheckterm (lexeme, documents, counted_at) "
            "SELECT word, ndoc, %s FROM ts_stat('SELECT search_vector FROM annotations_factcheck')",
            [timezone.now()],
        )
        return cursor.rowcount
