"""How a review is shown, alone and in the list blind mode filters."""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import Review


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = Review
        fields = [
            "id",
            "item",
            "reviewer",
            "verdict",
            "rationale",
            "evidence",
            "is_current",
            "created_at",
            "superseded_at",
        ]
        read_only_fields = fields


class ReviewListSerializer(serializers.Serializer):
    """The reviews the caller may see; ``hidden`` counts those blind mode keeps back."""

    results = ReviewSerializer(many=True)
    hidden = serializers.IntegerField()
