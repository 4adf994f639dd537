"""Django admin: articles, extraction jobs, claims and quotes, with columns and filters a desk uses.

Every list joins what it shows in its queryset (``list_select_related``), so a page costs a
fixed number of queries whatever its length, and counts at most ``COUNT_CAP`` rows (the
same capped paginator as the API) so a million-item table lists as fast as a small one.
Actions call services, so a bulk change is versioned and recorded in the history like any
other. The dashboard (``/admin/dashboard/``, ``annotations.dashboard``) is linked from the index.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from annotations.models import (
    Article,
    ArticleRevision,
    Claim,
    Comment,
    ExtractionJob,
    HistoryEvent,
    Item,
    Quote,
    Review,
    WorkerHeartbeat,
)
from annotations.services.bulk import BulkResult, articles_reextract, items_bulk_assign, items_bulk_resolve
from annotations.services.items import article_assign
from annotations.services.queue import extraction_job_retry
from factcheck.api.pagination import CappedCountPaginator
from factcheck.roles import EDITOR, REVIEWER, user_has_role

# The admin's home page links the dashboard above the model lists.
admin.site.index_template = "admin/annotations/index.html"


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
    # Publishing and blind mode change what reviewers may do and are recorded in the history, so
    # they change through the API's services (publish/reopen, PATCH), never by editing the row.
    readonly_fields = [
        "ingest_key", "current_revision", "current_job", "added_by", "created_at", "updated_at",
        "blind_review", "published_at", "published_by",
    ]
    inlines = [RevisionInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    action_form = None  # set below, once DeskActionForm exists
    actions = ["reextract_selected", "assign_items_of_selected"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an article, its revisions, items and history are kept

    @admin.action(description="Extract the selected articles again")
    def reextract_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _editor_or_refuse(self, request):
            return
        result = articles_reextract(article_ids=list(queryset.values_list("pk", flat=True)))
        _report(self, request, result, "article(s) queued for extraction")

    @admin.action(description="Assign every item of the selected articles to the chosen reviewer")
    def assign_items_of_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _editor_or_refuse(self, request):
            return
        assignee = _chosen_assignee(request)
        changed = 0
        for article_id in queryset.values_list("pk", flat=True):
            changed += article_assign(article_id=article_id, editor=request.user, assignee=assignee)
        who = assignee.get_username() if assignee else "nobody"
        self.message_user(request, f"{changed} item(s) assigned to {who}.", messages.SUCCESS)

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
    ]
    actions = ["retry_jobs"]
    paginator = CappedCountPaginator
    show_full_result_count = False

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


class AssignedFilter(admin.SimpleListFilter):
    """To me, to nobody, to anyone: a choice of three rather than a list of every user."""

    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("me", "To me"), ("nobody", "To nobody"), ("anyone", "To someone")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "anyone":
            return queryset.filter(assigned_to__isnull=False)
        return queryset


class ScoreFilter(admin.SimpleListFilter):
    """Check-worthiness bands, the same as the dashboard's backlog chart."""

    title = "score"
    parameter_name = "score"
    BANDS = {"high": (0.8, 1.01), "medium": (0.5, 0.8), "low": (0.0, 0.5)}

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("high", "0.8 and above"), ("medium", "0.5 to 0.8"), ("low", "below 0.5")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        band = self.BANDS.get(self.value() or "")
        return queryset.filter(score__gte=band[0], score__lt=band[1]) if band else queryset


class AgeFilter(admin.SimpleListFilter):
    """How long ago the item was found: the dashboard's backlog ages, to act on the oldest."""

    title = "age"
    parameter_name = "age"
    AGES = {"day": (None, 1), "week": (1, 7), "month": (7, 30), "older": (30, None)}

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("day", "under 1 day"), ("week", "1-7 days"), ("month", "7-30 days"), ("older", "over 30 days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in self.AGES:
            return queryset
        now = timezone.now()
        younger_than, older_than = self.AGES[self.value()][1], self.AGES[self.value()][0]
        if younger_than is not None:
            queryset = queryset.filter(created_at__gt=now - dt.timedelta(days=younger_than))
        if older_than is not None:
            queryset = queryset.filter(created_at__lte=now - dt.timedelta(days=older_than))
        return queryset


def _desk_members() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[EDITOR, REVIEWER]), is_active=True)
        .distinct()
        .order_by("username")
    )


class DeskActionForm(ActionForm):
    """The action menu plus the values bulk actions need: whom to assign, which status, a note."""

    assignee = forms.ModelChoiceField(
        queryset=_desk_members(), required=False, empty_label="(nobody)", label="Assignee"
    )
    status = forms.ChoiceField(choices=[("", "(status)"), *Item.Status.choices], required=False, label="Status")
    note = forms.CharField(required=False, label="Note", max_length=2000)


ArticleAdmin.action_form = DeskActionForm


def _editor_or_refuse(model_admin: admin.ModelAdmin, request: HttpRequest) -> bool:
    """Bulk decisions are an editor's, as in the API: staff without the role are told so."""
    if user_has_role(request.user, EDITOR):
        return True
    model_admin.message_user(request, "Only editors may do this: ask for the editor role.", messages.ERROR)
    return False


def _chosen_assignee(request: HttpRequest):
    user_id = request.POST.get("assignee")
    return _desk_members().filter(pk=user_id).first() if user_id else None


def _report(model_admin: admin.ModelAdmin, request: HttpRequest, result: BulkResult, what: str) -> None:
    level = messages.SUCCESS if not result.skipped else messages.WARNING
    model_admin.message_user(request, f"{result.changed} {what}. {result.summary()}.", level)


class ItemAdmin(admin.ModelAdmin):
    list_display = ["id", "short_text", "article_title", "status", "origin", "score", "assigned_to", "created_at"]
    list_filter = [
        "status", AssignedFilter, ScoreFilter, AgeFilter, "origin", "dismissed", "needs_rereview", "orphaned",
    ]
    inlines = [ReviewInline, CommentInline, HistoryInline]
    # Text only: an OR with the article's title (a join) would keep PostgreSQL off the trigram index.
    search_fields = ["text"]
    search_help_text = "Words of the item's text. To see one article's items, filter from the article's page."
    list_select_related = ["revision__article", "assigned_to"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    action_form = DeskActionForm
    actions = ["assign_selected", "set_status_selected", "reextract_articles_of_selected"]
    # Changes go through the API's services (versioned and recorded); the admin shows them.
    readonly_fields = [
        "kind", "revision", "start", "end", "text", "prefix", "suffix", "status", "origin", "score",
        "extractor_version", "facets", "speaker", "speaker_start", "speaker_end", "cue",
        "version", "assigned_to", "resolution_status", "resolution_note", "resolved_by", "resolved_at",
        "dismissed", "dismissal_reason", "needs_rereview", "orphaned", "status_changed_at",
        "created_by", "created_at", "updated_at",
    ]

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

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # "not a claim" hides an item and keeps it; nothing deletes one

    @admin.action(description="Assign the selected items to the chosen assignee")
    def assign_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _editor_or_refuse(self, request):
            return
        assignee = _chosen_assignee(request)
        result = items_bulk_assign(
            item_ids=list(queryset.values_list("pk", flat=True)), editor=request.user, assignee=assignee
        )
        _report(self, request, result, f"item(s) assigned to {assignee.get_username() if assignee else 'nobody'}")

    @admin.action(description="Set the chosen status on the selected items (editor's decision)")
    def set_status_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _editor_or_refuse(self, request):
            return
        status = request.POST.get("status", "")
        if status not in Item.Status.values:
            self.message_user(request, "Choose a status next to the action first.", messages.ERROR)
            return
        result = items_bulk_resolve(
            item_ids=list(queryset.values_list("pk", flat=True)),
            editor=request.user,
            status=status,
            note=request.POST.get("note", "")[:2000],
        )
        _report(self, request, result, f"item(s) set to {status}")

    @admin.action(description="Extract the articles of the selected items again")
    def reextract_articles_of_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not _editor_or_refuse(self, request):
            return
        article_ids = set(queryset.values_list("revision__article_id", flat=True))
        _report(self, request, articles_reextract(article_ids=sorted(article_ids)), "article(s) queued for extraction")


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


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """When each worker host last ran the heartbeat task; written by workers only."""

    list_display = ["hostname", "seen_at"]
    readonly_fields = ["hostname", "seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
