"""Writes on claims and quotes: the locked read-modify-write every change goes through, and the
changes that are not verdicts (adding an item, moving its span, assigning, comments).

Every change of an item runs ``item_lock_for_write`` first, inside one transaction: the row is
locked, the article must not be published, and the caller's ``If-Match`` version must be the
current one. The change then bumps ``version`` and appends a history event, so concurrent
writers are serialised and a stale one is refused (412) instead of silently overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotations import readcache
from annotations.models import Article, Comment, DeskEvent, HistoryEvent, Item, Review
from annotations.rules.policy import status_from_reviews
from annotations.rules.spans import SpanProblem, span_context, span_problem
from annotations.selectors import live_item_at
from annotations.services.desk_events import desk_events_record_many
from annotations.services.factchecks import CHECKED, factcheck_sync_from_item
from annotations.services.history import history_record, item_history_record
from factcheck.errors import Conflict, Forbidden, InvalidInput, Locked, NotFound, PreconditionRequired, StaleVersion

T = TypeVar("T")


def item_lock_for_write(*, item_id: int, kind: str, expected_version: int | None) -> Item:
    """Lock the item row and check it may be changed by a writer that saw ``expected_version``.

    Call inside ``transaction.atomic``. Raises ``NotFound`` (no such item of this kind),
    ``PreconditionRequired`` (no version sent), ``Locked`` (article published) or
    ``StaleVersion`` (someone changed it first; the exception carries the current item).
    """
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("revision__article")
        .defer("revision__body")
        .filter(pk=item_id, kind=kind)
        .first()
    )
    if item is None:
        raise NotFound(f"No {kind} with id {item_id}.")
    if expected_version is None:
        raise PreconditionRequired(
            f'Send If-Match with this {kind}\'s ETag ("{item.version}") so a concurrent change is not overwritten.'
        )
    # Read afresh now that the item is locked: article_publish locks every item before it
    # publishes, so this sees a publication that committed while we waited for the lock.
    if Article.objects.filter(pk=item.revision.article_id, published_at__isnull=False).exists():
        raise Locked("The article is published: reopen it before changing its items.")
    if expected_version != item.version:
        raise StaleVersion(
            f"This {kind} changed since you read it (you sent version {expected_version}, it is now at "
            f"{item.version}). Review the current state and apply your change again.",
            current=item,
        )
    return item


def item_write_at_current_version(*, item_id: int, write: Callable[[Item], T]) -> T:
    """Run ``write`` on the item as it is now (its id, kind and version); once more if it moved meanwhile.

    For writers that never showed the item to anyone (a bulk action, an import): they have no
    version of their own to send to a service's ``expected_version``, so they send the current
    one. A concurrent change between the read and the write makes the service refuse it
    (``StaleVersion``); the item is read again and the write tried a second time. Raises
    ``NotFound`` when the item is gone, ``StaleVersion`` when it moved again, and whatever
    ``write`` raises otherwise (``Locked`` on a published article).
    """
    try:
        return write(_item_as_it_is_now(item_id))
    except StaleVersion:
        return write(_item_as_it_is_now(item_id))


def _item_as_it_is_now(item_id: int) -> Item:
    item = Item.objects.only("id", "kind", "version").filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"No item with id {item_id}.")
    return item


def item_bump(item: Item, *fields: str) -> None:
    """Save ``fields`` of a locked item with its version increased by one."""
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


def item_apply_status(item: Item, *, actor: AbstractBaseUser | None, verdicts: list[str] | None = None) -> bool:
    """Recompute the item's status from its current reviews and resolution (see ``policy``).

    Call while holding the item's row lock. ``verdicts`` are those of the current reviews when
    the caller has them already (read under the same lock); otherwise they are read here.
    Records a ``status`` event when it changes and returns whether it did; the caller saves
    the item (``status``, ``status_changed_at``).
    """
    if verdicts is None:
        verdicts = list(Review.objects.filter(item=item, is_current=True).values_list("verdict", flat=True))
    status = status_from_reviews(verdicts=verdicts, resolution=item.resolution_status, quorum=settings.REVIEW_QUORUM)
    if status == item.status:
        return False
    item_history_record(
        item,
        actor=actor,
        action=HistoryEvent.Action.STATUS,
        before={"status": item.status},
        after={"status": status},
    )
    item.status = status
    item.status_changed_at = timezone.now()
    # The fact-check library follows the verdict: a checked item is an earlier check for others.
    factcheck_sync_from_item(item)
    return True


def _check_span(body: str, start: int, end: int, text: str | None) -> str:
    """The words of a span a person sent (see ``spans.span_problem``), or ``InvalidInput`` saying what is wrong."""
    problem = span_problem(body, start, end, text=text)
    if problem is SpanProblem.OUTSIDE:
        raise InvalidInput(
            f"The span [{start}:{end}] is not inside the text (0 to {len(body)}); start must be before end.",
            fields={"start": ["Out of range."], "end": ["Out of range."]},
        )
    found = body[start:end]
    if problem is SpanProblem.MISMATCH:
        raise InvalidInput(
            "'text' is not what the article says at [start:end]; send the exact characters or leave 'text' out.",
            fields={"text": [f"The article has {found[:80]!r} there."]},
        )
    if problem is SpanProblem.BLANK:
        raise InvalidInput("The span holds only white space.", fields={"start": ["Empty span."]})
    return found


def item_add(
    *,
    article_id: int,
    kind: str,
    user: AbstractBaseUser,
    start: int,
    end: int,
    text: str | None = None,
    speaker: str = "",
    speaker_start: int | None = None,
    speaker_end: int | None = None,
    cue: str = "",
) -> Item:
    """Add a claim or quote the engine missed, on the article's current text.

    The span is checked against the text; the same span already held by a live item of the same
    kind is a conflict (409).
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise InvalidInput(f"No article with id {article_id}.", fields={"article": ["Unknown article."]})
        if article.is_published:
            raise Locked("The article is published: reopen it before adding items.")
        if article.current_revision_id is None:
            raise Conflict("The article has no text yet (its page is still being fetched).")
        body = article.current_revision.body
        found = _check_span(body, start, end, text)
        if kind == Item.Kind.QUOTE and (speaker_start is not None or speaker_end is not None):
            if speaker_start is None or speaker_end is None:
                raise InvalidInput("Send both speaker_start and speaker_end.", fields={"speaker_start": ["Missing."]})
            if span_problem(body, speaker_start, speaker_end, allow_blank=True) is not None:
                raise InvalidInput(
                    f"The speaker span [{speaker_start}:{speaker_end}] is not inside the text (0 to {len(body)}).",
                    fields={"speaker_start": ["Out of range."], "speaker_end": ["Out of range."]},
                )
        duplicate = live_item_at(revision_id=article.current_revision_id, kind=kind, start=start, end=end)
        if duplicate is not None:
            raise Conflict(f"This span is already {kind} {duplicate.pk}.")
        prefix, suffix = span_context(body, start, end, width=Item.CONTEXT_CHARS)
        item = Item.objects.create(
            kind=kind,
            revision_id=article.current_revision_id,
            start=start,
            end=end,
            text=found,
            prefix=prefix,
            suffix=suffix,
            origin=Item.Origin.REVIEWER,
            # A person found it: as check-worthy as anything can be, and first in the queue.
            score=1.0,
            created_by=user,
            speaker=speaker if kind == Item.Kind.QUOTE else "",
            speaker_start=speaker_start if kind == Item.Kind.QUOTE else None,
            speaker_end=speaker_end if kind == Item.Kind.QUOTE else None,
            cue=cue if kind == Item.Kind.QUOTE else "",
        )
        history_record(
            article_id=article.pk,
            item_id=item.pk,
            actor=user,
            action=HistoryEvent.Action.ITEM_ADD,
            after={"kind": kind, "start": start, "end": end, "text": found},
        )
    return item


def item_update_span(
    *, item_id: int, kind: str, user: AbstractBaseUser, start: int, end: int, expected_version: int | None
) -> Item:
    """Move an item's span on its revision (an editor correcting the engine's boundaries)."""
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        body = Item.objects.filter(pk=item.pk).values_list("revision__body", flat=True).get()
        found = _check_span(body, start, end, None)
        before = {"start": item.start, "end": item.end, "text": item.text}
        item.start, item.end, item.text = start, end, found
        item.prefix, item.suffix = span_context(body, start, end, width=Item.CONTEXT_CHARS)
        item.needs_rereview = False
        try:
            with transaction.atomic():
                item_bump(item, "start", "end", "text", "prefix", "suffix", "needs_rereview")
        except IntegrityError as exc:
            raise Conflict(f"Another machine {kind} already has the span [{start}:{end}].") from exc
        item_history_record(
            item,
            actor=user,
            action=HistoryEvent.Action.SPAN,
            before=before,
            after={"start": start, "end": end, "text": found},
        )
        if item.status in CHECKED:
            factcheck_sync_from_item(item)  # the library's copy says the new words, and is matched again
    return item


def item_assign(
    *,
    item_id: int,
    kind: str,
    editor: AbstractBaseUser,
    assignee: AbstractBaseUser | None,
    expected_version: int | None,
) -> Item:
    """Assign the item to a reviewer, or to nobody (``assignee=None``)."""
    with transaction.atomic():
        item = item_lock_for_write(item_id=item_id, kind=kind, expected_version=expected_version)
        before = {"assigned_to": item.assigned_to.username if item.assigned_to else None}
        item.assigned_to = assignee
        item_bump(item, "assigned_to")
        item_history_record(
            item,
            actor=editor,
            action=HistoryEvent.Action.ASSIGN,
            before=before,
            after={"assigned_to": assignee.username if assignee else None},
        )
    return item


def article_assign(*, article_id: int, editor: AbstractBaseUser, assignee: AbstractBaseUser | None) -> int:
    """Assign every live item of the article's current text; returns how many changed.

    Each item's change is versioned and recorded like a single assignment.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise NotFound(f"No article with id {article_id}.")
        if article.is_published:
            raise Locked("The article is published: reopen it before assigning its items.")
        items = list(
            Item.objects.select_for_update(of=("self",))
            .filter(revision_id=article.current_revision_id, dismissed=False)
            .exclude(assigned_to=assignee)
            .select_related("assigned_to")
            .only("id", "assigned_to__username")
        )
        ids = [item.pk for item in items]
        Item.objects.filter(pk__in=ids).update(
            assigned_to=assignee, version=F("version") + 1, updated_at=timezone.now()
        )
        readcache.after_update(article_id=article.pk)
        after = {"assigned_to": assignee.username if assignee else None}
        HistoryEvent.objects.bulk_create(
            HistoryEvent(
                article_id=article.pk,
                item_id=item.pk,
                actor=editor,
                action=HistoryEvent.Action.ASSIGN,
                before={"assigned_to": item.assigned_to.username if item.assigned_to else None},
                after=after,
            )
            for item in items
        )
        desk_events_record_many(
            [
                DeskEvent(article_id=article.pk, item_id=item.pk, actor=editor, kind=HistoryEvent.Action.ASSIGN,
                          payload=after)
                for item in items
            ]
        )
    return len(ids)


def comment_add(*, item_id: int, kind: str, author: AbstractBaseUser, body: str) -> Comment:
    """Add a comment to the item's thread. Comments do not change the item, so no If-Match."""
    if not body.strip():
        raise InvalidInput("A comment needs some text.", fields={"body": ["This field may not be blank."]})
    with transaction.atomic():
        item = (
            Item.objects.select_related("revision__article")
            .defer("revision__body")
            .filter(pk=item_id, kind=kind)
            .first()
        )
        if item is None:
            raise NotFound(f"No {kind} with id {item_id}.")
        if item.revision.article.is_published:
            raise Locked("The article is published: reopen it before commenting.")
        comment = Comment.objects.create(item=item, author=author, body=body)
        item_history_record(
            item,
            actor=author,
            action=HistoryEvent.Action.COMMENT,
            after={"comment": comment.pk, "body": body},
        )
    return comment


def comment_edit(*, comment_id: int, user: AbstractBaseUser, body: str) -> Comment:
    """Change the text of one's own comment; the earlier text stays in the history."""
    if not body.strip():
        raise InvalidInput("A comment needs some text.", fields={"body": ["This field may not be blank."]})
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("item__revision__article")
            .defer("item__revision__body")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            raise NotFound(f"No comment with id {comment_id}.")
        if comment.author_id != user.pk:
            raise Forbidden("Only the author of a comment may edit it.")
        if comment.item.revision.article.is_published:
            raise Locked("The article is published: reopen it before editing comments.")
        before = {"comment": comment.pk, "body": comment.body}
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        history_record(
            article_id=comment.item.revision.article_id,
            item_id=comment.item_id,
            actor=user,
            action=HistoryEvent.Action.COMMENT_EDIT,
            before=before,
            after={"comment": comment.pk, "body": body},
        )
    return comment
