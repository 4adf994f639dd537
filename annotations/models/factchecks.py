"""The fact-check library and what matching makes of it.

``FactCheck`` is one earlier check: a claim or quote of this desk that reached ``correct`` or
``disputed`` (``source=desk``, kept in step with its item by ``annotations.services.factchecks``),
or a review imported from outside (``source=imported``: ClaimReview, CSV, JSON Lines). The
vector the matcher compares is a ``FactCheckVector`` of its own, computed later by a background task.

``ClaimMatch`` pairs an item with an earlier check and a score; a reviewer's feedback on the
pair (``confirmed`` / ``rejected``) is kept on it, and a rejected pair is never shown again.
``MatchJob`` is the outbox row of one matching run: a revision's claims against the library, or
one new fact-check against the open claims. ``FactCheckTerm`` counts, per search word, the
fact-checks that hold it, so a candidate search can leave out the words nearly all of them share.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.articles import Article, ArticleRevision
from annotations.models.items import Item


class FactCheck(models.Model):
    """One earlier check of a claim, this desk's or imported."""

    class Source(models.TextChoices):
        DESK = "desk", "This desk"
        IMPORTED = "imported", "Imported"

    source = models.CharField(max_length=10, choices=Source.choices)
    # Desk checks: the item whose verdict this is, and its article (matching skips that article).
    item = models.OneToOneField(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="factcheck")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    claim_text = models.TextField()
    title = models.CharField(max_length=500, blank=True)
    # The verdict in this desk's three statuses ("" when an imported rating maps to none), and
    # the rating as its publisher wrote it, with the scale it was given on.
    verdict = models.CharField(max_length=12, choices=Item.Status.choices, blank=True)
    rating = models.CharField(max_length=200, blank=True)
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_url = models.URLField(max_length=2000, blank=True)
    external_id = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=16, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # Importing the same review twice stores it once: by its URL, or its id.
            models.UniqueConstraint(fields=["review_url"], condition=~Q(review_url=""), name="factcheck_url_unique"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="factcheck_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(source="imported", item__isnull=True) | Q(source="desk", item__isnull=False),
                name="factcheck_desk_has_item",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["", "unverified", "correct", "disputed"]), name="factcheck_verdict_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"fact-check {self.pk}: {self.claim_text[:60]}"


class FactCheckVector(models.Model):
    """The vector the matcher compares for one fact-check: float32 little-endian, L2-normalised,
    as encoder ``version`` wrote it. Absent until the embedding task reaches the fact-check (an
    import never waits for the encoder) and removed when its words change.

    A table of its own: storing vectors (thousands of rows a minute after an import) would
    otherwise write a new version of every fact-check row, with new entries in both search
    indexes and a dead row for each, and the candidate search reads through all of them until
    vacuum runs (41 ms a query instead of 13 after 34,000 vectors at 100,000 fact-checks).
    """

    factcheck = models.OneToOneField(FactCheck, primary_key=True, on_delete=models.CASCADE, related_name="vector")
    version = models.CharField(max_length=120)
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"vector of fact-check {self.factcheck_id} ({self.version})"


class FactCheckTerm(models.Model):
    """A word of the library's search (a PostgreSQL ``english`` lexeme) and how many fact-checks
    hold it, as counted at ``counted_at``. Rebuilt whole from the stored search vectors by
    ``annotations.services.factchecks.factcheck_terms_refresh``; a word newer than the count is
    simply absent (read as rare). Empty on SQLite, whose FTS5 keeps its own statistics."""

    lexeme = models.TextField(primary_key=True)
    documents = models.PositiveIntegerField()
    counted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.lexeme}: {self.documents} fact-checks"


class ClaimMatch(models.Model):
    """An item and an earlier fact-check that matching found alike, with the reviewers' feedback."""

    class Feedback(models.TextChoices):
        NONE = "", "None"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="matches")
    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    matcher_version = models.CharField(max_length=120, blank=True)
    feedback = models.CharField(max_length=10, choices=Feedback.choices, blank=True, default="")
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_id", "-score", "id"]
        indexes = [models.Index(fields=["item", "-score"], name="claimmatch_item_score_idx")]
        constraints = [
            models.UniqueConstraint(fields=["item", "factcheck"], name="claimmatch_pair_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="claimmatch_score_in_unit_range"),
            models.CheckConstraint(
                condition=Q(feedback__in=["", "confirmed", "rejected"]), name="claimmatch_feedback_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} ~ fact-check {self.factcheck_id} ({self.score:.2f})"


class MatchJob(models.Model):
    """One matching run (the outbox row its task's message names): a revision's claims against
    the library, or one fact-check against the open claims."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    revision = models.ForeignKey(
        ArticleRevision, null=True, blank=True, on_delete=models.CASCADE, related_name="match_jobs"
    )
    factcheck = models.ForeignKey(FactCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    matcher_version = models.CharField(max_length=120, blank=True)
    matched = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="matchjob_status_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revision__isnull=False, factcheck__isnull=True)
                | Q(revision__isnull=True, factcheck__isnull=False),
                name="matchjob_one_target",
            ),
            # Asking twice while a run waits asks once.
            models.UniqueConstraint(
                fields=["revision"], condition=Q(status="queued"), name="matchjob_one_queued_per_revision"
            ),
            models.UniqueConstraint(
                fields=["factcheck"], condition=Q(status="queued"), name="matchjob_one_queued_per_factcheck"
            ),
        ]

    def __str__(self) -> str:
        target = f"revision {self.revision_id}" if self.revision_id else f"fact-check {self.factcheck_id}"
        return f"match job {self.pk} ({target}, {self.status})"
