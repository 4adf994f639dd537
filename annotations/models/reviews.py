"""What reviewers say about an item: their verdicts and the discussion thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.items import Item


class Review(models.Model):
    """A reviewer's verdict on an item, with rationale and evidence.

    One current review per reviewer per item; submitting again supersedes the earlier review,
    which is kept (``is_current=False``) as history.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    verdict = models.CharField(max_length=12, choices=Item.Status.choices)
    rationale = models.TextField(blank=True)
    # [{"url", "title", "excerpt"}, ...]
    evidence = models.JSONField(default=list, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "reviewer"], condition=Q(is_current=True), name="one_current_review_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["unverified", "correct", "disputed"]), name="review_verdict_valid"
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "created_at"], name="review_reviewer_created_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} on {self.item_id}: {self.verdict}"


class Comment(models.Model):
    """A message in an item's discussion thread. Edits are recorded in the history."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.item_id}"
