"""How the agreement between reviewers is reported."""

from __future__ import annotations

from rest_framework import serializers


class AgreementPairSerializer(serializers.Serializer):
    reviewers = serializers.ListField(child=serializers.CharField())
    items = serializers.IntegerField()
    kappa = serializers.FloatField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    items = serializers.IntegerField(help_text="Items with two or more current reviews.")
    reviewers = serializers.ListField(child=serializers.CharField())
    krippendorff_alpha = serializers.FloatField(allow_null=True)
    pairs = AgreementPairSerializer(many=True)
