"""Claims and quotes: one ``Item`` table, ``kind`` telling them apart, each anchored to a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.articles import ArticleRevision


class Item(models.Model):
    """A claim or a quote anchored to a revision of an article."""

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim"
        QUOTE = "quote", "Quote"

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        CORRECT = "correct", "Correct"
        DISPUTED = "disputed", "Disputed"

    class Origin(models.TextChoices):
        MACHINE = "machine", "Machine"
        REVIEWER = "reviewer", "Reviewer"

    # How many characters of context are kept on each side of the span.
    CONTEXT_CHARS = 32

    kind = models.CharField(max_length=8, choices=Kind.choices)
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="items")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="Exactly revision.body[start:end].")
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    score = models.FloatField(null=True, blank=True)
    extractor_version = models.CharField(max_length=120, blank=True)
    facets = models.JSONField(default=dict, blank=True)
    # Quotes only: who is quoted, where that speaker is named, and the attribution cue.
    speaker = models.CharField(max_length=300, blank=True)
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    cue = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: every change bumps the version; writes must send it back (If-Match).
    version = models.PositiveIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_items"
    )
    # An editor's resolution decides the status whatever the reviews say.
    resolution_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # "Not a claim": hidden from the queue, kept with its reason.
    dismissed = models.BooleanField(default=False)
    dismissal_reason = models.TextField(blank=True)
    # Set when the article's text changed under the item: it moved fuzzily or was not found.
    needs_rereview = models.BooleanField(default=False)
    # Not found in the article's current text: still anchored to the revision it came from.
    orphaned = models.BooleanField(default=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["revision_id", "start", "end", "id"]
        indexes = [
            models.Index(fields=["revision", "kind", "start"], name="item_revision_kind_start_idx"),
            models.Index(fields=["kind", "status", "-score"], name="item_kind_status_score_idx"),
            # The review queue: unverified, not dismissed, by score then age.
            models.Index(
                fields=["-score", "created_at", "id"],
                condition=Q(status="unverified", dismissed=False),
                name="item_queue_idx",
            ),
            models.Index(fields=["assigned_to", "status"], name="item_assignee_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="item_start_before_end"),
            models.CheckConstraint(condition=Q(kind__in=["claim", "quote"]), name="item_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["unverified", "correct", "disputed"]), name="item_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(speaker_start__isnull=True, speaker_end__isnull=True)
                | Q(speaker_start__lt=models.F("speaker_end")),
                name="item_speaker_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1), name="item_score_in_unit_range"
            ),
            models.CheckConstraint(
                condition=Q(resolution_status="") | Q(resolution_status__in=["unverified", "correct", "disputed"]),
                name="item_resolution_status_valid",
            ),
            # Running the same extraction twice never duplicates a machine item.
            models.UniqueConstraint(
                fields=["revision", "kind", "start", "end"],
                condition=Q(origin="machine"),
                name="machine_item_unique_per_span",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}: {self.text[:60]}"


class ClaimManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=Item.Kind.CLAIM)


class QuoteManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=Item.Kind.QUOTE)


class Claim(Item):
    """Claims only: a check-worthy statement of fact."""

    objects = ClaimManager()

    class Meta:
        proxy = True


class Quote(Item):
    """Quotes only: words attributed to a speaker."""

    objects = QuoteManager()

    class Meta:
        proxy = True
