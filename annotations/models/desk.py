"""The desk event log: what changed on an article, in the order readers page through it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from annotations.models.articles import Article
from annotations.models.items import Item


class DeskEvent(models.Model):
    """One change a reader of an article may see, for the pages that follow it.

    Written in the transaction of the change with ``position`` null; the sequencer
    (``annotations.services.desk_events``) numbers it after that transaction commits. Readers
    page by ``position`` and see only numbered rows, so positions are handed out in commit
    order, never in id order.
    """

    # Kinds beyond the history actions (``HistoryEvent.Action``), which are used as they are.
    JOB = "job"
    MATCHES = "matches"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="desk_events")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    position = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["article", "position"], name="desk_event_article_pos_idx"),
            # The sequencer's work list: rows committed but not numbered yet.
            models.Index(fields=["id"], name="desk_event_unsequenced_idx", condition=models.Q(position__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on article {self.article_id} at {self.position}"
