"""An article and its revisions: the text every item is anchored to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Article(models.Model):
    """A news article under review. Its text lives in revisions; ``current_revision`` is shown."""

    title = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # What makes two submissions "the same article": the hash of the cleaned body text, or of
    # the normalised URL for URL ingestion. Unique, so a repeated POST returns the first article.
    ingest_key = models.CharField(max_length=80, unique=True)
    current_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The extraction job of the current revision (the latest one started for it).
    current_job = models.ForeignKey(
        "ExtractionJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    # Blind review: a reviewer sees others' reviews of an item only after submitting their own.
    blind_review = models.BooleanField(default=False)
    # Published: its items are locked (writes answer 409) until an editor reopens it.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ArticleRevision(models.Model):
    """One stored version of an article's body text. Never edited: a change is a new revision."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the body, hex.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique_per_article"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"
