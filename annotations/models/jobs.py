"""The extraction job: the durable outbox row behind every run of the engine on a revision."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.articles import Article, ArticleRevision


class ExtractionJob(models.Model):
    """The durable record of extraction work for an article (an outbox row).

    Written in the same transaction as the revision it extracts, so a job can never be lost
    between the database and the broker: the broker message only points at this row, and the
    sweep publishes it again if the message is lost. For URL ingestion the revision does not
    exist yet; the worker fetches ``source_url`` and creates it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="extraction_jobs")
    revision = models.ForeignKey(
        ArticleRevision, null=True, blank=True, on_delete=models.PROTECT, related_name="extraction_jobs"
    )
    source_url = models.URLField(max_length=2000, blank=True, help_text="Fetched by the worker when set.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times a worker started it.")
    last_error = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last publication to the broker.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="job_status_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(revision__isnull=True, source_url=""), name="job_has_revision_or_url"
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"
