"""Admin of claims and quotes: the desk's filters (assigned, score, age), read-only reviews,
comments and history beside each item, and bulk actions that call the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from annotations.admin.actions import DeskActionForm, chosen_assignee, editor_or_refuse, report
from annotations.dashboard.figures import AGE_BUCKETS, age_bucket_condition
from annotations.models import Claim, Comment, HistoryEvent, Item, Quote, Review
from annotations.services.bulk import articles_reextract, items_bulk_assign, items_bulk_resolve
from factcheck.api.pagination import CappedCountPaginator


def _short(text: str, words: int = 14) -> str:
    return Truncator(text).words(words)


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
    # URL parameter -> index in the dashboard's ``AGE_BUCKETS`` (its label is the choice's).
    AGES = {"day": 0, "week": 1, "month": 2, "older": 3}

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [(value, AGE_BUCKETS[index][0]) for value, index in self.AGES.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in self.AGES:
            return queryset
        return queryset.filter(age_bucket_condition(self.AGES[self.value()], now=timezone.now()))


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
        if not editor_or_refuse(self, request):
            return
        assignee = chosen_assignee(request)
        result = items_bulk_assign(
            item_ids=list(queryset.values_list("pk", flat=True)), editor=request.user, assignee=assignee
        )
        report(self, request, result, f"item(s) assigned to {assignee.get_username() if assignee else 'nobody'}")

    @admin.action(description="Set the chosen status on the selected items (editor's decision)")
    def set_status_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
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
        report(self, request, result, f"item(s) set to {status}")

    @admin.action(description="Extract the articles of the selected items again")
    def reextract_articles_of_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
            return
        article_ids = set(queryset.values_list("revision__article_id", flat=True))
        report(self, request, articles_reextract(article_ids=sorted(article_ids)), "article(s) queued for extraction")


@admin.register(Claim)
class ClaimAdmin(ItemAdmin):
    pass


@admin.register(Quote)
class QuoteAdmin(ItemAdmin):
    list_display = ["id", "short_text", "speaker", "cue", "article_title", "status", "score", "created_at"]
    search_fields = ["text", "speaker", "revision__article__title"]
