"""How a reviewer's queue is shown: the next items, claims and quotes alike, with every field."""

from __future__ import annotations

from rest_framework import serializers

from annotations.api.serializers.items import QuoteSerializer


class QueueSerializer(serializers.Serializer):
    results = QuoteSerializer(many=True)
