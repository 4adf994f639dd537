"""Data of the fact-check desk and the invariants the database enforces.

Articles keep every revision of their text. Claims and quotes are rows of one ``Item`` table
(``kind`` tells them apart; ``Claim`` and ``Quote`` are proxies), so reviews, history and the
review queue work the same for both. Each item is anchored to a revision by character offsets
with ``revision.body[start:end] == text``, plus a short prefix and suffix so it can be found
again when the text changes. Workflows live in ``annotations.services``, not here.
"""

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


# Declared beside the dashboard that reads it; imported here so that every process (web, worker,
# beat, migrations) registers the model whether or not it loads the admin.
from annotations.dashboard import WorkerHeartbeat  # noqa: E402, F401
