"""Changing an article: new text (a new revision, items re-anchored) and its settings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotations.models import Article, ArticleRevision, HistoryEvent, Item
from annotations.rules.anchoring import reanchor
from annotations.rules.spans import content_hash, span_context
from annotations.services.factchecks import CHECKED, factcheck_sync_from_item
from annotations.services.history import history_record
from annotations.services.publishing import article_lock
from annotations.services.queue import extraction_job_create
from factcheck.errors import Conflict, InvalidInput, Locked
from workers.extraction import clean_text


def article_revise(*, article_id: int, editor: AbstractBaseUser, text: str) -> tuple[Article, dict[str, int]]:
    """Store ``text`` as the article's new current revision and carry its items over.

    Each live item of the old revision is re-anchored in the new text (see ``anchoring``):
    found exactly, it moves with its status and reviews intact; found only approximately, it
    moves, takes the new words and is flagged ``needs_rereview``; not found, it stays on the old
    revision, flagged ``orphaned`` and ``needs_rereview`` (never dropped). A new extraction job
    runs on the new text; machine items that moved hold their spans, so it adds no duplicates.
    Returns the article and counts ``{"exact", "changed", "orphaned"}``. Same text: no change.
    """
    body = clean_text(text)
    if not body.strip():
        raise InvalidInput("'text' has no article text once page junk is removed.", fields={"text": ["Empty."]})
    counts = {"exact": 0, "changed": 0, "orphaned": 0}
    with transaction.atomic():
        article = article_lock(article_id)
        if article.is_published:
            raise Locked("The article is published: reopen it before changing its text.")
        old = ArticleRevision.objects.filter(pk=article.current_revision_id).first()
        if old is None:
            raise Conflict("The article has no text yet (its page is still being fetched).")
        digest = content_hash(body)
        if old.content_hash == digest:
            return article, counts
        new = ArticleRevision.objects.create(
            article=article, number=old.number + 1, body=body, content_hash=digest, created_by=editor
        )
        for item in Item.objects.select_for_update().filter(revision=old, orphaned=False).order_by("start", "id"):
            outcome = _carry_over(item, old.body, new, editor)
            counts[outcome] += 1
        extraction_job_create(article=article, revision_id=new.pk)
        article.current_revision = new
        article.save(update_fields=["current_revision", "current_job", "updated_at"])
        history_record(
            article_id=article.pk,
            action=HistoryEvent.Action.REVISE,
            actor=editor,
            before={"revision": old.number, "content_hash": old.content_hash},
            after={"revision": new.number, "content_hash": new.content_hash, **counts},
        )
    return article, counts


def _carry_over(item: Item, old_body: str, new: ArticleRevision, editor: AbstractBaseUser) -> str:
    anchor = reanchor(
        old_text=old_body, new_text=new.body, start=item.start, end=item.end, prefix=item.prefix, suffix=item.suffix
    )
    before = {"revision": item.revision_id, "start": item.start, "end": item.end, "text": item.text}
    if anchor is not None:
        text = new.body[anchor.start : anchor.end]
        prefix, suffix = span_context(new.body, anchor.start, anchor.end, width=Item.CONTEXT_CHARS)
        fields = {
            "revision": new,
            "start": anchor.start,
            "end": anchor.end,
            "text": text,
            "prefix": prefix,
            "suffix": suffix,
            "needs_rereview": item.needs_rereview or not anchor.exact,
        }
        outcome = "exact" if anchor.exact else "changed"
        try:
            with transaction.atomic():
                Item.objects.filter(pk=item.pk).update(**fields, version=F("version") + 1, updated_at=timezone.now())
        except IntegrityError:
            # Another machine item already moved onto this span: keep this one where it was.
            anchor = None
    if anchor is None:
        Item.objects.filter(pk=item.pk).update(
            orphaned=True, needs_rereview=True, version=F("version") + 1, updated_at=timezone.now()
        )
        outcome = "orphaned"
        after = {"revision": item.revision_id, "orphaned": True}
    else:
        after = {"revision": new.pk, "start": anchor.start, "end": anchor.end, "text": text, "exact": anchor.exact}
        if item.status in CHECKED and text != item.text:
            item.revision, item.start, item.end, item.text = new, anchor.start, anchor.end, text
            factcheck_sync_from_item(item)  # the library's copy follows the words it now holds
    history_record(
        article_id=new.article_id,
        item_id=item.pk,
        actor=editor,
        action=HistoryEvent.Action.REANCHOR,
        before=before,
        after=after,
    )
    return outcome


def article_update_settings(
    *, article_id: int, editor: AbstractBaseUser, blind_review: bool | None = None, **metadata: str
) -> Article:
    """Change an article's review settings or metadata (title, publisher ...), recorded."""
    with transaction.atomic():
        article = article_lock(article_id)
        changes = {name: value for name, value in metadata.items() if getattr(article, name) != value}
        if blind_review is not None and blind_review != article.blind_review:
            changes["blind_review"] = blind_review
        if not changes:
            return article
        before = {name: _plain(getattr(article, name)) for name in changes}
        for name, value in changes.items():
            setattr(article, name, value)
        article.save(update_fields=[*changes, "updated_at"])
        history_record(
            article_id=article.pk,
            action=HistoryEvent.Action.SETTINGS,
            actor=editor,
            before=before,
            after={name: _plain(value) for name, value in changes.items()},
        )
    return article


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
