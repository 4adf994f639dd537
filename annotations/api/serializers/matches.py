"""How a claim's matches with earlier fact-checks are shown."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from annotations.models import ClaimMatch, FactCheck, MatchJob


class FactCheckSerializer(serializers.ModelSerializer):
    """An earlier check: this desk's verdict on another item, or an imported review."""

    claim = serializers.CharField(source="claim_text")
    date = serializers.DateTimeField(source="reviewed_at")
    url = serializers.SerializerMethodField()

    class Meta:
        model = FactCheck
        fields = [
            "id", "source", "claim", "title", "verdict", "rating", "rating_value", "best_rating", "worst_rating",
            "rationale", "evidence", "publisher", "claimant", "date", "url", "item", "article",
        ]
        read_only_fields = fields

    def get_url(self, factcheck: FactCheck) -> str:
        """The review's own page; for a desk check, its item in the API."""
        if factcheck.review_url or factcheck.item_id is None:
            return factcheck.review_url
        return reverse("claim-detail", args=[factcheck.item_id])


class ClaimMatchSerializer(serializers.ModelSerializer):
    factcheck = FactCheckSerializer()
    feedback_by = serializers.CharField(source="feedback_by.username", default=None)

    class Meta:
        model = ClaimMatch
        fields = ["id", "score", "matcher_version", "feedback", "feedback_by", "feedback_at", "factcheck"]
        read_only_fields = fields


class MatchJobSerializer(serializers.ModelSerializer):
    error = serializers.CharField(source="last_error")

    class Meta:
        model = MatchJob
        fields = ["status", "error", "matcher_version", "finished_at"]
        read_only_fields = fields


class MatchListSerializer(serializers.Serializer):
    """The matches the caller may see, best first, and the latest matching run of the item's text."""

    matching = MatchJobSerializer(allow_null=True)
    results = ClaimMatchSerializer(many=True)
