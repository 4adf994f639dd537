"""Verdicts: a reviewer's review, an editor's resolution, "not a claim" and its undoing, and a
quote's speaker corrected (what "correct" means for a quote: its words and its speaker)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import HistoryEvent, Item, Review
from annotations.services.history import item_history_record
from annotations.services.items import item_apply_status, item_bump, item_lock_for_write
from factcheck.errors import Conflict, InvalidInput, StaleVersion

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
        item = _lock_for_review(item_id=item_id, kind=kind, expected_version=expected_version)
        now = timezone.now()
        # Every current review of the item at once: the reviewer's own is superseded, the others'
        # verdicts decide the status with the new one. The item's lock keeps them as read here.
        current = list(Review.objects.filter(item=item, is_current=True).only("id", "reviewer_id", "verdict"))
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


def _lock_for_review(*, item_id: int, kind: str, expected_version: int | None) -> Item:
    """``item_lock_for_write``, except that versions made by reviews alone are not stale for a review.

    Call inside ``transaction.atomic``; the item is locked when this returns.
    """
    try:
        return item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
    except StaleVersion as stale:
        item = stale.current
        if expected_version is None or not _only_reviews_since(item, expected_version):
            raise
        return item


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
