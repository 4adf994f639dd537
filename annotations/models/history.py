"""The append-only record of every change to an item or an article."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotations.models.articles import Article
from annotations.models.items import Item


class HistoryEvent(models.Model):
    """One change, append-only: who did what to which item or article, when, before and after.

    Nothing in the service edits or deletes these rows; the API only reads them.
    """

    class Action(models.TextChoices):
        ITEM_ADD = "item_add", "Item added"
        REVIEW = "review", "Review submitted"
        STATUS = "status", "Status changed"
        RESOLVE = "resolve", "Resolved by an editor"
        ASSIGN = "assign", "Assigned"
        DISMISS = "dismiss", "Marked not a claim"
        SPAN = "span", "Span changed"
        REANCHOR = "reanchor", "Re-anchored to a new revision"
        COMMENT = "comment", "Comment added"
        COMMENT_EDIT = "comment_edit", "Comment edited"
        PUBLISH = "publish", "Article published"
        REOPEN = "reopen", "Article reopened"
        REVISE = "revise", "Article text revised"
        SETTINGS = "settings", "Article settings changed"
        MATCH_FEEDBACK = "match_feedback", "Match confirmed or rejected"
        EXTRACT = "extract", "Extraction queued again"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="history")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["item", "created_at"], name="history_item_created_idx"),
            models.Index(fields=["article", "created_at"], name="history_article_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"
