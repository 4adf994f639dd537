"""API shapes of the integrations endpoints. Input serializers check shape; services write."""

from __future__ import annotations

from django.core.validators import URLValidator
from rest_framework import serializers

from annotations.models import Item
from factcheck.api.serializers import StrictSerializer
from integrations.models import Event, WebhookDelivery, WebhookSubscription

_HTTP_URL = [URLValidator(schemes=["http", "https"])]
# The largest id a row can have (``BigAutoField``); a larger one in a filter is a 400 naming it
# rather than an overflow in the database driver, which in a streamed export is a broken download.
LARGEST_ID = 2**63 - 1


class ExportFilterSerializer(StrictSerializer):
    """Query string of the item exports."""

    article = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, help_text="Only this article's items."
    )
    kind = serializers.ChoiceField(choices=Item.Kind.choices, required=False, help_text="claim or quote.")
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Item.Status.choices), required=False, help_text="Repeatable."
    )


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A subscription as read back: the secret is not shown again after creation."""

    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "events", "is_active", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    """The answer to a creation: the one time the secret is returned, to configure the receiver."""

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSubscriptionInputSerializer(StrictSerializer):
    """Body of ``POST /api/v1/webhooks/``."""

    url = serializers.URLField(max_length=2000, validators=_HTTP_URL)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), min_length=1)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    secret = serializers.CharField(
        max_length=128, min_length=16, required=False, default="",
        help_text="Signing key; generated (and returned once) when left out.",
    )


class WebhookSubscriptionUpdateSerializer(StrictSerializer):
    """Body of ``PATCH /api/v1/webhooks/{id}/``."""

    url = serializers.URLField(max_length=2000, validators=_HTTP_URL, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), min_length=1, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    secret = serializers.CharField(max_length=128, min_length=16, required=False)
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One entry of a subscription's delivery log."""

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event", "event_id", "status", "attempts", "next_attempt_at", "last_attempt_at",
            "response_code", "response_body", "last_error", "request_body", "created_at", "delivered_at",
        ]
        read_only_fields = fields


class AnnotationImportReportSerializer(serializers.Serializer):
    """What happened to each posted annotation, by its index in the posted list."""

    created = serializers.ListField(child=serializers.DictField(), help_text="New items: index, id, item, match.")
    existing = serializers.ListField(child=serializers.DictField(), help_text="Items already there.")
    reviewed = serializers.ListField(child=serializers.DictField(), help_text="Reviews submitted (or unchanged).")
    unanchored = serializers.ListField(child=serializers.DictField(), help_text="Not found in the text, with why.")
    failed = serializers.ListField(child=serializers.DictField(), help_text="Refused, with why.")
