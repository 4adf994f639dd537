"""Admin of what reviewers decided and what changed: reviews and the audit trail, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.models import HistoryEvent, Review


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
    # A verdict is changed by a new review through the API (the old one is superseded, not edited).
    readonly_fields = [
        "item", "reviewer", "verdict", "rationale", "evidence", "is_current", "created_at", "superseded_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
