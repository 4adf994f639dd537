"""How claims and quotes are shown: one base with the fields every item has, and a sibling per
kind. Also the assignment input, which an article's and an item's ``assign`` both take."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from annotations.models import Item
from annotations.rules.visibility import verdict_fields_as_shown
from factcheck.api.serializers import StrictSerializer
from factcheck.roles import REVIEWER, user_has_role


def _datetime(value) -> str | None:
    """As DRF's ``DateTimeField`` writes it: ISO 8601 in the current time zone, UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _optional_float(value) -> float | None:
    return None if value is None else float(value)


def _plain(value):
    return value


# How each item field is written; the declared serializer fields below stay the schema. A test
# compares this with DRF's own field-by-field output on items that exercise every field.
_ITEM_FIELD_WRITERS = {
    "article": lambda item: item.article_id,
    "revision": lambda item: item.revision_id,
    "assigned_to": lambda item: item.assigned_to.username if item.assigned_to_id is not None else None,
}
_ITEM_VALUE_FORMATS = {
    "score": _optional_float,
    "resolved_at": _datetime,
    "status_changed_at": _datetime,
    "created_at": _datetime,
    "updated_at": _datetime,
}
# Every item's fields, claim or quote; a kind adds its own after them.
ITEM_FIELDS = [
    "id", "kind", "article", "revision", "start", "end", "text", "prefix", "suffix",
    "status", "origin", "score", "extractor_version", "facets", "version", "assigned_to",
    "resolution_status", "resolution_note", "resolved_at", "dismissed", "dismissal_reason",
    "needs_rereview", "orphaned", "status_changed_at", "created_at", "updated_at",
]


class ItemSerializer(serializers.ModelSerializer):
    """What a claim and a quote share (abstract: each kind's serializer names its fields).

    ``article_id`` is read from the item: the selectors annotate it, and ``status_shown``
    (``selectors.items_as_seen_by``): an item without it true is written with the status and
    resolution a reader kept from the verdicts sees (blind mode, ``rules.visibility``).
    """

    article = serializers.IntegerField(source="article_id", read_only=True)
    revision = serializers.IntegerField(source="revision_id", read_only=True)
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True, default=None)

    class Meta:
        model = Item
        fields = ITEM_FIELDS
        read_only_fields = fields

    def to_representation(self, item: Item) -> dict:
        """The same dictionary DRF would build, written without its per-field machinery: pages of
        items are the API's most frequent answers, and this is about ten times faster."""
        writers = self._writers()
        fields = {name: write(item) for name, write in writers}
        return verdict_fields_as_shown(fields, shown=bool(getattr(item, "status_shown", False)))

    @classmethod
    def _writers(cls) -> list:
        writers = cls.__dict__.get("_writers_cache")
        if writers is None:
            writers = []
            for name in cls.Meta.fields:
                if name in _ITEM_FIELD_WRITERS:
                    writers.append((name, _ITEM_FIELD_WRITERS[name]))
                else:
                    fmt = _ITEM_VALUE_FORMATS.get(name, _plain)
                    writers.append((name, lambda item, name=name, fmt=fmt: fmt(getattr(item, name))))
            cls._writers_cache = writers
        return writers


class ClaimSerializer(ItemSerializer):
    """A claim: its span in the revision text, status and how it was reached, score and facets.

    ``version`` is the item's ETag: send it back in ``If-Match`` to change the item.
    """

    class Meta(ItemSerializer.Meta):
        fields = ITEM_FIELDS
        read_only_fields = fields


class QuoteSerializer(ItemSerializer):
    """A quote: a claim's fields plus who said it, where they are named, and the cue."""

    class Meta(ItemSerializer.Meta):
        fields = [*ITEM_FIELDS, "speaker", "speaker_start", "speaker_end", "cue"]
        read_only_fields = fields


class AssignInputSerializer(StrictSerializer):
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True), allow_null=True,
        help_text="Username of a reviewer or editor; null to unassign.",
    )

    def validate_assignee(self, user):
        if user is not None and not user_has_role(user, REVIEWER):
            raise serializers.ValidationError(f"{user.username} has no reviewer or editor role.")
        return user
