"""Webhook subscribers and the outbox of their deliveries.

A ``WebhookDelivery`` row is written in the same transaction as the domain change it reports
(see ``integrations.signals``), so an event is never lost between the database and the broker:
the broker message only carries the delivery id, and a periodic sweep publishes again any
delivery whose message was lost. One row per (subscription, event): recording the same event
twice writes nothing new.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    """What a subscriber can be told about."""

    ARTICLE_EXTRACTED = "article.extracted", "Article extracted"
    ITEM_STATUS_CHANGED = "item.status_changed", "Item status changed"
    ARTICLE_PUBLISHED = "article.published", "Article published"


class WebhookSubscription(models.Model):
    """A URL that receives a signed POST for each event it subscribed to."""

    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, help_text="http(s) URL receiving a POST per event.")
    # A list of ``Event`` values.
    events = models.JSONField(default=list)
    # The key of the HMAC-SHA256 signature; shared with the subscriber, never sent.
    secret = models.CharField(max_length=128, blank=True, help_text="Left empty, one is generated.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.url


class WebhookDelivery(models.Model):
    """One event for one subscriber: the exact body sent, and how every attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    # Identifies the domain event ("history:12", "extraction_job:7"); the receiver dedupes on it.
    event_id = models.CharField(max_length=80)
    # The JSON body, fixed when the event is recorded, so every retry sends the same bytes.
    request_body = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; the sweep publishes pending deliveries long overdue.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # An attempt in flight holds the delivery until then, so a duplicate message sends nothing.
    locked_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last publication to the broker.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="webhook_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription_id} ({self.status})"
