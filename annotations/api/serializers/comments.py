"""How a comment on an item is shown."""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import Comment


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = Comment
        fields = ["id", "item", "author", "body", "created_at", "edited_at"]
        read_only_fields = fields
