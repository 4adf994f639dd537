"""API representations. Input serializers check shape only; services make the writes."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations.models import Article, ExtractionJob, Item
from annotations.selectors import item_counts_of


class PageField(serializers.CharField):
    """HTML as sent: stray NUL bytes and invalid code points are scrubbed later, not refused,
    because real pages carry them and the reader of the page drops them anyway."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator)
        ]


class ArticleCreateSerializer(serializers.Serializer):
    """Body of ``POST /api/v1/articles/``: exactly one of text, html or url, plus metadata."""

    text = serializers.CharField(required=False, trim_whitespace=False, help_text="Article text, pasted.")
    html = PageField(required=False, trim_whitespace=False, help_text="A web page's HTML.")
    url = serializers.URLField(
        required=False,
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A page a worker fetches.",
    )
    title = serializers.CharField(required=False, max_length=500, default="")
    source_url = serializers.URLField(
        required=False, max_length=2000, default="", validators=[URLValidator(schemes=["http", "https"])]
    )
    publisher = serializers.CharField(required=False, max_length=200, default="")
    byline = serializers.CharField(required=False, max_length=300, default="")
    published_date = serializers.DateField(required=False, allow_null=True, default=None)
    language = serializers.CharField(required=False, max_length=16, default="")

    def validate(self, attrs: dict) -> dict:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field. Allowed: " + ", ".join(self.fields)] for name in unknown}
                )
        sources = [name for name in ("text", "html", "url") if name in attrs]
        if not sources:
            raise serializers.ValidationError(
                {"text": ["This field is required (or send 'html' or 'url' instead)."]}
            )
        if len(sources) > 1:
            raise serializers.ValidationError(
                {name: [f"Send only one of {', '.join(sources)}."] for name in sources}
            )
        return attrs


class ExtractionSerializer(serializers.ModelSerializer):
    """The state of an article's extraction job."""

    job = serializers.IntegerField(source="id")
    error = serializers.CharField(source="last_error")

    class Meta:
        model = ExtractionJob
        fields = ["job", "status", "attempts", "error", "extractor_version", "created_at", "updated_at", "finished_at"]


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
    extraction = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "title", "source_url", "publisher", "byline", "published_date", "language",
            "added_by", "created_at", "updated_at", "extraction", "counts",
        ]  # fmt: skip

    @extend_schema_field(ExtractionSerializer(allow_null=True))
    def get_extraction(self, article: Article) -> dict | None:
        return ExtractionSerializer(article.current_job).data if article.current_job else None

    @extend_schema_field(CountsSerializer)
    def get_counts(self, article: Article) -> dict:
        return item_counts_of(article)


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


class ClaimSerializer(serializers.ModelSerializer):
    """A claim: its span in the revision text, status, score and facets."""

    article = serializers.IntegerField(source="article_id", read_only=True)
    revision = serializers.IntegerField(source="revision_id", read_only=True)

    class Meta:
        model = Item
        fields = [
            "id", "kind", "article", "revision", "start", "end", "text", "prefix", "suffix",
            "status", "origin", "score", "extractor_version", "facets", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class QuoteSerializer(ClaimSerializer):
    """A quote: a claim's fields plus who said it, where they are named, and the cue."""

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "speaker", "speaker_start", "speaker_end", "cue"]
        read_only_fields = fields
