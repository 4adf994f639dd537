"""How an entry of an item's history is shown."""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import HistoryEvent


class HistoryEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = HistoryEvent
        fields = ["id", "article", "item", "action", "actor", "before", "after", "created_at"]
        read_only_fields = fields
