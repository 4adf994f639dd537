"""Input checking every app's API shares: a serializer that refuses unknown fields and values of
the wrong JSON type, and one call that validates a request body with it."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request

NOT_A_STRING = serializers.CharField.default_error_messages["invalid"]  # "Not a valid string."


def _not_a_string(field: serializers.Field, value) -> bool:
    """Whether ``value`` sent for a string field (or a list of strings) is of another JSON type.

    DRF's ``CharField`` turns a number into its digits (``{"text": 123}`` would be the text
    "123"); the API's rule is that a wrong type is a 400.
    """
    if value is None:
        return False  # allow_null decides
    if isinstance(field, serializers.CharField):
        return not isinstance(value, str)
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return isinstance(value, list) and any(item is not None and not isinstance(item, str) for item in value)
    return False


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error rather than silently ignored, and
    a number, boolean, list or object sent where a string (or a list of strings) is expected."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field. Allowed: " + ", ".join(self.fields)] for name in unknown}
                )
            wrong_type = [name for name, field in self.fields.items() if _not_a_string(field, data.get(name))]
            if wrong_type:
                raise serializers.ValidationError({name: [NOT_A_STRING] for name in wrong_type})
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The request body checked by ``serializer_class``; a 400 in the API's error body otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
