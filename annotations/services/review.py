"""Verdicts: a reviewer's review, an editor's resolution, "not a claim" and its undoing, and a
quote's speaker corrected (what "correct" means for a quote: its words and its speaker)."""

from __future__ import annotations

import functools

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import Article, HistoryEvent, Item, Review
from annotations.services.history import item_history_record
from annotations.services.items import item_apply_status, item_bump, item_lock_for_write
from factcheck.errors import Conflict, InvalidInput, Locked, StaleVersion

MAX_EVIDENCE = 20


def _clean_evidence(evidence: list[dict]) -> list[dict]:
    if len(evidence) > MAX_EVIDENCE:
        raise InvalidInput(f"At most {MAX_EVIDENCE} pieces of evidence.", fields={"evidence": ["Too many."]})
    return [
        {"url": entry.get("url", ""), "title": entry.get("title", ""), "excerpt": entry.get("excerpt", "")}
        for entry in evidence
    ]


def review_submit(
    *,
    item_id: int,
    kind: str,
    reviewer: AbstractBaseUser,
    verdict: str,
    rationale: str = "",
    evidence: list[dict] | None = None,
    expected_version: int | None,
) -> tuple[Review, Item]:
    """Record ``reviewer``'s verdict on the item and update the item's status by the policy.

    The reviewer's earlier review of the item, if any, is superseded (kept, no longer current).
    ``expected_version`` is the version the reviewer read (``If-Match``, required): reviews
    submitted since then, the reviewer's own included, do not make it stale, since a review is its
    reviewer's own record; any other change of the item since (span, speaker, resolution,
    assignment, dismissal, a new revision) does (``StaleVersion``, 412), so the verdict is given
    on the item as it is. Returns the new review and the updated item.
    """
    with transaction.atomic():
        item, current = _lock_for_review(item_id=item_id, kind=kind, expected_version=expected_version)
        now = timezone.now()
        # The reviewer's own current review is superseded; the others' verdicts decide the status
        # with the new one.
        previous = next((review for review in current if review.reviewer_id == reviewer.pk), None)
        if previous is not None:
            previous.is_current = False
            previous.superseded_at = now
            previous.save(update_fields=["is_current", "superseded_at"])
        review = Review.objects.create(
            item=item,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            evidence=_clean_evidence(evidence or []),
            created_at=now,
        )
        item_history_record(
            item,
            actor=reviewer,
            action=HistoryEvent.Action.REVIEW,
            before={"verdict": previous.verdict, "review": previous.pk} if previous else {},
            # The version this review gives the item: how a later reviewer's stale If-Match is
            # told apart from a change of the item itself (``_only_reviews_since``).
            after={"verdict": verdict, "review": review.pk, "rationale": rationale, "version": item.version + 1},
        )
        verdicts = [other.verdict for other in current if other is not previous] + [verdict]
        item_apply_status(item, actor=reviewer, verdicts=verdicts)
        item_bump(item, "status", "status_changed_at")
    return review, item


def _lock_for_review(*, item_id: int, kind: str, expected_version: int | None) -> tuple[Item, list[Review]]:
    """``item_lock_for_write`` for a review, which also needs the item's current reviews; and
    versions made by reviews alone are not stale for a review.

    Returns the locked item and its current reviews (``id``, ``reviewer_id`` and ``verdict``
    loaded). The publication re-check that ``item_lock_for_write`` makes after the lock is made
    here by the statement that reads the reviews, also after the lock: one round trip instead of
    two on every review. Raises what ``item_lock_for_write`` raises, with its messages.

    Call inside ``transaction.atomic``; the item is locked when this returns.
    """
    item = _item_locked(item_id=item_id, kind=kind)
    if item is None or expected_version is None:
        # No such item, or no If-Match: refused by item_lock_for_write, in its words.
        item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        raise AssertionError("item_lock_for_write refuses a missing item and a missing If-Match")
    published, current = _publication_and_current_reviews(item)
    # Refused as item_lock_for_write refuses them, in the same words.
    if published:
        raise Locked("The article is published: reopen it before changing its items.")
    if expected_version != item.version and not _only_reviews_since(item, expected_version):
        raise StaleVersion(
            f"This {kind} changed since you read it (you sent version {expected_version}, it is now at "
            f"{item.version}). Review the current state and apply your change again.",
            current=item,
        )
    return item, current


# Of the item's revision and article, what a review reads beside the whole item: the article's
# id (history, read cache), its title and language (the desk's fact-check, once the status is a
# verdict) and what blind mode decides by (the 412 answer). A field left out would be read on
# access, one query each; the rest of the article's columns cost time to name and convert.
_ITEM_FIELDS = tuple(field.attname for field in Item._meta.concrete_fields)
_ARTICLE_FIELDS = ("title", "language", "blind_review", "published_at")


def _item_locked(*, item_id: int, kind: str) -> Item | None:
    """The item with its revision and article, its row locked (``item_lock_for_write``'s lock)."""
    locked = (
        Item.objects.select_for_update(of=("self",))
        .select_related("revision__article")
        .only(*_ITEM_FIELDS, "revision__article_id", *(f"revision__article__{name}" for name in _ARTICLE_FIELDS))
        .filter(pk=item_id, kind=kind)
        .order_by()[:1]  # one row by its key: no ordering to build or sort
    )
    return next(iter(locked), None)


# The row that stands for "the article is published" among the reviews' rows: no review has id 0.
_PUBLISHED_ROW = (0, 0, "")


# The current reviews of an item, and the row ``_PUBLISHED_ROW`` (its literal here) if its article is published.
_PUBLICATION_AND_CURRENT_REVIEWS_SQL = (
    "SELECT {review_id}, {reviewer}, {verdict} FROM {review} WHERE {item} = %s AND {is_current}"
    " UNION ALL SELECT 0, 0, '' FROM {article} WHERE {article_id} = %s AND {published_at} IS NOT NULL"
)


@functools.cache
def _publication_and_current_reviews_sql() -> str:
    """``_PUBLICATION_AND_CURRENT_REVIEWS_SQL`` with the models' own table and column names.

    Written out rather than built by the ORM, which took about 1.3 ms of Python per review to
    compile this ``UNION ALL`` (0.15 ms written out): plain SQL that SQLite and PostgreSQL share.
    """
    name = connection.ops.quote_name

    def column(model, field: str) -> str:
        return name(model._meta.get_field(field).column)

    return _PUBLICATION_AND_CURRENT_REVIEWS_SQL.format(
        review_id=column(Review, "id"), reviewer=column(Review, "reviewer"), verdict=column(Review, "verdict"),
        review=name(Review._meta.db_table), item=column(Review, "item"), is_current=column(Review, "is_current"),
        article=name(Article._meta.db_table), article_id=column(Article, "id"),
        published_at=column(Article, "published_at"),
    )


def _publication_and_current_reviews(item: Item) -> tuple[bool, list[Review]]:
    """Whether the locked ``item``'s article is published, and the item's current reviews, in one statement.

    Read after the item's lock was taken, so this statement sees a publication (``article_publish``
    locks every item before it publishes) or a review that committed while the lock was awaited;
    the lock keeps both as read until the transaction ends.
    """
    with connection.cursor() as cursor:
        cursor.execute(_publication_and_current_reviews_sql(), [item.pk, item.revision.article_id])
        rows = [tuple(row) for row in cursor.fetchall()]
    fields = ["id", "reviewer_id", "verdict"]
    current = [Review.from_db(connection.alias, fields, row) for row in rows if row != _PUBLISHED_ROW]
    return len(current) != len(rows), current


def _only_reviews_since(item: Item, version: int) -> bool:
    """Whether every change of the locked ``item`` after ``version`` was a review.

    Each write bumps the version by one under the item's lock, so the versions after ``version``
    up to the current one were made by exactly as many writes; a review records the version it made
    in its history event. When review events account for every one of those versions, nothing but
    reviews happened since. A version from the future, or reviews recorded before versions were
    kept in their events, count as a change: refused, never wrongly accepted.
    """
    if not 0 < version < item.version:
        return False
    made_by_reviews = HistoryEvent.objects.filter(
        item=item, action=HistoryEvent.Action.REVIEW, after__version__gt=version, after__version__lte=item.version
    ).count()
    return made_by_reviews == item.version - version


def item_resolve(
    *, item_id: int, kind: str, editor: AbstractBaseUser, status: str, note: str = "", expected_version: int | None
) -> Item:
    """An editor decides the item's status; reviews no longer move it until resolved again."""
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        before = {"resolution_status": item.resolution_status, "resolution_note": item.resolution_note}
        item.resolution_status = status
        item.resolution_note = note
        item.resolved_by = editor
        item.resolved_at = timezone.now()
        item_history_record(
            item,
            actor=editor,
            action=HistoryEvent.Action.RESOLVE,
            before=before,
            after={"resolution_status": status, "resolution_note": note},
        )
        item_apply_status(item, actor=editor)
        item_bump(
            item, "resolution_status", "resolution_note", "resolved_by", "resolved_at", "status", "status_changed_at"
        )
    return item


def item_dismiss(
    *, item_id: int, kind: str, reviewer: AbstractBaseUser, reason: str, expected_version: int | None
) -> Item:
    """Mark a machine item "not a claim" (or not a quote): hidden from the queue, kept with its reason."""
    if not reason.strip():
        raise InvalidInput("Say why this is not a claim.", fields={"reason": ["This field may not be blank."]})
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        before = {"dismissed": item.dismissed, "reason": item.dismissal_reason}
        item.dismissed = True
        item.dismissal_reason = reason
        item_bump(item, "dismissed", "dismissal_reason")
        item_history_record(
            item,
            actor=reviewer,
            action=HistoryEvent.Action.DISMISS,
            before=before,
            after={"dismissed": True, "reason": reason},
        )
    return item


def item_restore(*, item_id: int, kind: str, reviewer: AbstractBaseUser, expected_version: int | None) -> Item:
    """Undo "not a claim" (or "not a quote"): the item is back in the text and the queue.

    Recorded as a ``dismiss`` event whose ``after`` says ``dismissed: false`` (the reason it had
    stays in ``before``), so the history keeps both the dismissal and its undoing.
    """
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        if not item.dismissed:
            raise Conflict(f"This {kind} is not marked not a {kind}: there is nothing to undo.")
        before = {"dismissed": True, "reason": item.dismissal_reason}
        item.dismissed = False
        item.dismissal_reason = ""
        item_bump(item, "dismissed", "dismissal_reason")
        item_history_record(
            item, actor=reviewer, action=HistoryEvent.Action.DISMISS, before=before, after={"dismissed": False}
        )
    return item


def quote_set_speaker(
    *,
    item_id: int,
    kind: str,
    editor: AbstractBaseUser,
    speaker: str,
    speaker_start: int | None = None,
    speaker_end: int | None = None,
    expected_version: int | None,
) -> Item:
    """Correct who a quote is attributed to (an editor fixing the engine's "Partial" or "they did not").

    With ``speaker_start`` and ``speaker_end`` the speaker is the name at that span of the quote's
    revision (checked like any span); without them the speaker is ``speaker`` as typed and the
    old span, which named someone else, is cleared. Recorded as a ``span`` event (the speaker's span).
    """
    if kind != Item.Kind.QUOTE:
        raise InvalidInput("Only quotes have a speaker.", fields={"speaker": ["This item is not a quote."]})
    if (speaker_start is None) != (speaker_end is None):
        raise InvalidInput(
            "Send both speaker_start and speaker_end, or neither.",
            fields={"speaker_end" if speaker_end is None else "speaker_start": ["Required with the other one."]},
        )
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        if speaker_start is not None:
            body = Item.objects.filter(pk=item.pk).values_list("revision__body", flat=True).get()
            if not 0 <= speaker_start < speaker_end <= len(body) or not body[speaker_start:speaker_end].strip():
                raise InvalidInput(
                    "The speaker's span is not a name in the article's text.",
                    fields={"speaker_start": ["Outside the text or only white space."]},
                )
            speaker = body[speaker_start:speaker_end].strip()
        speaker = speaker.strip()
        if not speaker:
            raise InvalidInput("Name the speaker.", fields={"speaker": ["This field may not be blank."]})
        before = {"speaker": item.speaker, "speaker_start": item.speaker_start, "speaker_end": item.speaker_end}
        item.speaker = speaker[:300]
        item.speaker_start, item.speaker_end = speaker_start, speaker_end
        item_bump(item, "speaker", "speaker_start", "speaker_end")
        item_history_record(
            item,
            actor=editor,
            action=HistoryEvent.Action.SPAN,
            before=before,
            after={"speaker": item.speaker, "speaker_start": speaker_start, "speaker_end": speaker_end},
        )
    return item
