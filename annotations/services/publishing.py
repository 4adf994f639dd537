"""Publishing: an editor publishes an article (its items lock) and reopens it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import Article, HistoryEvent, Item
from annotations.services.history import history_record
from factcheck.errors import Conflict, NotFound


def article_lock(article_id: int) -> Article:
    """The article's row, locked for the rest of the transaction (call inside ``transaction.atomic``)."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"No article with id {article_id}.")
    return article


def article_publish(*, article_id: int, editor: AbstractBaseUser) -> Article:
    """Publish: lock the article's items (writes answer 409) until it is reopened."""
    with transaction.atomic():
        article = article_lock(article_id)
        if article.is_published:
            raise Conflict("The article is already published.")
        # Take every item's row lock: a review that already holds one finishes first, and one
        # that comes after waits, then sees the article published (item_lock_for_write).
        list(
            Item.objects.select_for_update(of=("self",))
            .filter(revision__article_id=article.pk)
            .values_list("pk", flat=True)
        )
        article.published_at = timezone.now()
        article.published_by = editor
        article.save(update_fields=["published_at", "published_by", "updated_at"])
        history_record(
            article_id=article.pk,
            action=HistoryEvent.Action.PUBLISH,
            actor=editor,
            after={"published_at": article.published_at.isoformat()},
        )
    return article


def article_reopen(*, article_id: int, editor: AbstractBaseUser) -> Article:
    """Reopen a published article so its items can change again."""
    with transaction.atomic():
        article = article_lock(article_id)
        if not article.is_published:
            raise Conflict("The article is not published.")
        before = {"published_at": article.published_at.isoformat()}
        article.published_at = None
        article.published_by = None
        article.save(update_fields=["published_at", "published_by", "updated_at"])
        history_record(article_id=article.pk, action=HistoryEvent.Action.REOPEN, actor=editor, before=before)
    return article
