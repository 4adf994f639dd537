"""Django admin: articles, extraction jobs, claims and quotes, with columns and filters a desk uses.

Every list joins what it shows in its queryset (``list_select_related``), so a page costs a
fixed number of queries whatever its length. Actions call services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from annotations.models import Article, ArticleRevision, Claim, Comment, ExtractionJob, HistoryEvent, Quote, Review
from annotations.services.extraction import extraction_job_retry


def _short(text: str, words: int = 14) -> str:
    return Truncator(text).words(words)


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ["number", "content_hash", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "publisher", "language", "extraction_status", "added_by", "created_at"]
    list_display_links = ["id", "title"]
    list_filter = ["current_job__status", "language", "publisher", "created_at"]
    search_fields = ["title", "source_url", "byline"]
    list_select_related = ["current_job", "added_by"]
    date_hierarchy = "created_at"
    readonly_fields = ["ingest_key", "current_revision", "current_job", "added_by", "created_at", "updated_at"]
    inlines = [RevisionInline]

    @admin.display(description="Extraction", ordering="current_job__status")
    def extraction_status(self, article: Article) -> str:
        return article.current_job.status if article.current_job else "-"


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "number", "content_hash", "created_at"]
    list_select_related = ["article"]
    search_fields = ["article__title", "content_hash"]
    readonly_fields = ["article", "number", "body", "content_hash", "created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a revision is never edited; a change is a new revision


@admin.register(ExtractionJob)
class ExtractionJobAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "status", "attempts", "error", "extractor_version", "updated_at"]
    list_filter = ["status", "extractor_version", "updated_at"]
    search_fields = ["article__title", "last_error", "source_url"]
    list_select_related = ["article"]
    readonly_fields = [
        "article", "revision", "source_url", "status", "attempts", "last_error", "extractor_version",
        "created_at", "updated_at", "enqueued_at", "started_at", "finished_at",
    ]  # fmt: skip
    actions = ["retry_jobs"]

    @admin.display(description="Last error")
    def error(self, job: ExtractionJob) -> str:
        return _short(job.last_error, 12)

    @admin.action(description="Queue the selected jobs again")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = sum(extraction_job_retry(job_id=job_id) for job_id in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{queued} job(s) queued again.", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["reviewer", "verdict", "rationale", "is_current", "created_at"]
    readonly_fields = fields


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ["author", "body", "created_at", "edited_at"]
    readonly_fields = fields


class HistoryInline(ReadOnlyInline):
    model = HistoryEvent
    fk_name = "item"
    fields = ["created_at", "actor", "action", "before", "after"]
    readonly_fields = fields


class ItemAdmin(admin.ModelAdmin):
    list_display = ["id", "short_text", "article_title", "status", "origin", "score", "assigned_to", "created_at"]
    list_filter = ["status", "origin", "dismissed", "needs_rereview", "extractor_version"]
    inlines = [ReviewInline, CommentInline, HistoryInline]
    search_fields = ["text", "revision__article__title"]
    list_select_related = ["revision__article", "assigned_to"]
    # Changes go through the API's services (versioned and recorded); the admin shows them.
    readonly_fields = [
        "kind", "revision", "start", "end", "text", "prefix", "suffix", "status", "origin", "score",
        "extractor_version", "facets", "speaker", "speaker_start", "speaker_end", "cue",
        "version", "assigned_to", "resolution_status", "resolution_note", "resolved_by", "resolved_at",
        "dismissed", "dismissal_reason", "needs_rereview", "orphaned", "status_changed_at",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The revision body can be large: the list never needs it.
        return super().get_queryset(request).defer("revision__body")

    @admin.display(description="Text")
    def short_text(self, item) -> str:
        return _short(item.text)

    @admin.display(description="Article", ordering="revision__article__title")
    def article_title(self, item) -> str:
        return _short(item.revision.article.title, 8)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from extraction or from a reviewer through the API


@admin.register(Claim)
class ClaimAdmin(ItemAdmin):
    pass


@admin.register(Quote)
class QuoteAdmin(ItemAdmin):
    list_display = ["id", "short_text", "speaker", "cue", "article_title", "status", "score", "created_at"]
    search_fields = ["text", "speaker", "revision__article__title"]


@admin.register(HistoryEvent)
class HistoryEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: nobody edits or deletes history."""

    list_display = ["created_at", "action", "actor", "article", "item"]
    list_filter = ["action", "created_at"]
    search_fields = ["article__title", "actor__username"]
    list_select_related = ["actor", "article", "item"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("item__text", "article__ingest_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "item", "reviewer", "verdict", "is_current", "created_at"]
    list_filter = ["verdict", "is_current", "created_at"]
    search_fields = ["reviewer__username", "rationale"]
    list_select_related = ["reviewer", "item"]
    readonly_fields = [
        "item",
        "reviewer",
        "verdict",
        "rationale",
        "evidence",
        "is_current",
        "created_at",
        "superseded_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
