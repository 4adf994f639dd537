"""How a desk event is shown to the page catching up on its article."""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import DeskEvent


class DeskEventSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="kind", help_text=(
        "A history action (review, status, resolve, assign, dismiss, span, reanchor, item_add, comment, "
        "comment_edit, publish, reopen, revise, settings, match_feedback, extract), `job` (extraction "
        "progress: payload `job`, `status`, `error`) or `matches` (the item's matches changed)."
    ))
    item_kind = serializers.CharField(source="item.kind", allow_null=True, default=None,
                                      help_text="`claim` or `quote`: which endpoint serves the item.")
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    payload = serializers.JSONField(help_text="What the change made (the history event's `after`).")

    class Meta:
        model = DeskEvent
        fields = ["position", "type", "item", "item_kind", "actor", "created_at", "payload"]
        read_only_fields = fields


class DeskEventPageSerializer(serializers.Serializer):
    events = DeskEventSerializer(many=True)
    next = serializers.IntegerField(help_text="The position to ask from next (`?after=`): the last one read.")
    more = serializers.BooleanField(help_text="The page was full: ask again at once from `next`.")


class DeskEventQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, default=0, help_text="The last position the page has seen.")
    latest = serializers.BooleanField(default=False, help_text=(
        "No events, and `next` the newest position: where a page that is about to read the article "
        "and its items starts following it."
    ))
