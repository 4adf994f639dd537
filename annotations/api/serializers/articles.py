"""How an article is shown: in a list (metadata, extraction state, item counts) and alone (with its text)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.models import Article, ExtractionJob
from annotations.selectors import empty_item_counts, item_counts


class ExtractionSerializer(serializers.ModelSerializer):
    """The state of an article's extraction job."""

    job = serializers.IntegerField(source="id")
    error = serializers.CharField(source="last_error")

    class Meta:
        model = ExtractionJob
        fields = [
            "job", "status", "attempts", "error", "extractor_version",
            "created_at", "updated_at", "started_at", "finished_at",
        ]


class ItemCountsSerializer(serializers.Serializer):
    unverified = serializers.IntegerField()
    correct = serializers.IntegerField()
    disputed = serializers.IntegerField()
    total = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    claims = ItemCountsSerializer()
    quotes = ItemCountsSerializer()


class ArticleSerializer(serializers.ModelSerializer):
    """An article in a list: metadata, extraction state and item counts (no body text)."""

    added_by = serializers.CharField(source="added_by.username")
    published = serializers.BooleanField(source="is_published")
    extraction = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "title", "source_url", "publisher", "byline", "published_date", "language",
            "added_by", "blind_review", "published", "published_at", "created_at", "updated_at",
            "extraction", "counts",
        ]

    @extend_schema_field(ExtractionSerializer(allow_null=True))
    def get_extraction(self, article: Article) -> dict | None:
        return ExtractionSerializer(article.current_job).data if article.current_job else None

    @extend_schema_field(CountsSerializer)
    def get_counts(self, article: Article) -> dict:
        """From ``context["counts"]`` when the view counted a whole page at once; else counted
        for ``context["request"]``'s user (by the statuses they are shown: blind mode)."""
        counts = self.context.get("counts")
        if counts is None:
            request = self.context.get("request")
            reader = request.user if request is not None else None
            counts = item_counts(revision_ids=[article.current_revision_id], reader=reader)
        return counts.get(article.current_revision_id) or empty_item_counts()


class RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class ArticleDetailSerializer(ArticleSerializer):
    """One article with its current text; item offsets refer to ``text``."""

    revision = RevisionSerializer(source="current_revision", allow_null=True)
    text = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "revision", "text"]

    def get_text(self, article: Article) -> str:
        return article.current_revision.body if article.current_revision else ""
