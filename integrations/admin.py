"""Admin: webhook subscriptions and their delivery log (body, response code, attempts, last error).

Lists join what they show (``list_select_related``); the retry action calls a service.
"""

from __future__ import annotations

import secrets

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services.webhooks import webhook_delivery_retry


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "url", "event_list", "is_active", "created_by", "created_at"]
    list_display_links = ["id", "name"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    @admin.display(description="Events")
    def event_list(self, subscription: WebhookSubscription) -> str:
        return ", ".join(subscription.events)

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if not obj.secret:
            obj.secret = secrets.token_hex(32)
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "subscription", "event", "status", "attempts", "response_code", "error", "created_at"]
    list_filter = ["status", "event", "created_at"]
    search_fields = ["event_id", "last_error", "subscription__url", "subscription__name"]
    list_select_related = ["subscription"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "subscription", "event", "event_id", "request_body", "status", "attempts", "next_attempt_at",
        "locked_until", "enqueued_at", "last_attempt_at", "response_code", "response_body", "last_error",
        "created_at", "delivered_at",
    ]
    actions = ["retry_deliveries"]

    @admin.display(description="Last error")
    def error(self, delivery: WebhookDelivery) -> str:
        return Truncator(delivery.last_error).words(12)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries are recorded from events, never typed in

    @admin.action(description="Send the selected failed deliveries again")
    def retry_deliveries(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = sum(webhook_delivery_retry(delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{queued} delivery(ies) queued again.", messages.SUCCESS)
