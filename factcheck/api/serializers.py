"""Input checking every app's API shares: a serializer that refuses unknown fields, and one call
that validates a request body with it."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error rather than silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field. Allowed: " + ", ".join(self.fields)] for name in unknown}
                )
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The request body checked by ``serializer_class``; a 400 in the API's error body otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
