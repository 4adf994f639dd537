"""Articles: ingest and change (editors), list and read (every role), and the lists of their
claims and quotes. The bodies of ingest and change are checked by the serializers beside them."""

from __future__ import annotations

import logging

from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.db import DatabaseError, InterfaceError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations import readcache, selectors
from annotations.api.filters import ITEM_ORDERING, ArticleFilter, ItemFilter, ItemOrderingFilter, QuoteFilter
from annotations.api.serializers.articles import ArticleDetailSerializer, ArticleSerializer
from annotations.api.serializers.items import AssignInputSerializer, ClaimSerializer, QuoteSerializer
from annotations.api.views.events import ArticleEventActions
from annotations.models import Article, Item
from annotations.rules.visibility import statuses_differ_by_reader
from annotations.services import items as item_services
from annotations.services import publishing as publishing_services
from annotations.services import revisions as revision_services
from annotations.services.ingest import article_ingest
from annotations.services.queue import article_extraction_requeue
from factcheck.api.permissions import RoleFor
from factcheck.api.serializers import StrictSerializer, validated
from factcheck.roles import EDITOR, VIEWER

logger = logging.getLogger(__name__)


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


class ArticleCreateSerializer(StrictSerializer):
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
        sources = [name for name in ("text", "html", "url") if name in attrs]
        if not sources:
            raise serializers.ValidationError({"text": ["This field is required (or send 'html' or 'url' instead)."]})
        if len(sources) > 1:
            raise serializers.ValidationError({name: [f"Send only one of {', '.join(sources)}."] for name in sources})
        return attrs


class ArticleUpdateSerializer(StrictSerializer):
    """Body of ``PATCH /api/v1/articles/{id}/``: new text (a new revision), settings, metadata."""

    text = serializers.CharField(required=False, trim_whitespace=False, help_text="New text: a new revision.")
    blind_review = serializers.BooleanField(required=False)
    title = serializers.CharField(required=False, max_length=500, allow_blank=True)
    publisher = serializers.CharField(required=False, max_length=200, allow_blank=True)
    byline = serializers.CharField(required=False, max_length=300, allow_blank=True)
    language = serializers.CharField(required=False, max_length=16, allow_blank=True)
    published_date = serializers.DateField(required=False, allow_null=True)


class ArticleViewSet(
    ArticleEventActions,
    readcache.ArticleReadCacheMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Articles: ingest and change (editors), list and read (every role)."""

    lookup_value_regex = "[0-9]{1,18}"  # anything else is a 404 from the router, not a 500
    permission_classes = [IsAuthenticated, RoleFor]
    roles = {"create": EDITOR, "partial_update": EDITOR, "publish": EDITOR, "reopen": EDITOR, "assign": EDITOR,
             "extract": EDITOR}
    default_role = VIEWER
    filterset_class = ArticleFilter
    filter_backends = [DjangoFilterBackend, ItemOrderingFilter]  # ?ordering=status of claims and quotes
    ordering_fields = ["created_at", "title", "published_date", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        # The item lists filter their own queryset (see _items); theirs here names the model
        # their filters and the schema's filter parameters are built for.
        if self.action in ("claims", "quotes"):
            return selectors.item_list(kind=Item.Kind.CLAIM if self.action == "claims" else Item.Kind.QUOTE)
        return selectors.article_detail() if self.action == "retrieve" else selectors.article_list()

    def get_serializer_class(self):
        if self.action == "create":
            return ArticleCreateSerializer
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        counts = selectors.item_counts(
            revision_ids=[article.current_revision_id for article in page], reader=request.user
        )
        return self.get_paginated_response(ArticleSerializer(page, many=True, context={"counts": counts}).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        def build() -> Response:
            article = self.get_object()
            self._keep_for_every_reader_only(article)
            return Response(self.get_serializer(article).data)

        return self.cached_article_read(request, int(pk), build)

    def _keep_for_every_reader_only(self, article: Article) -> None:
        # In blind mode, until publication, each reader is shown the statuses they may see
        # (counts and items alike): such an answer is for its reader alone, so it is not kept.
        if statuses_differ_by_reader(blind=article.blind_review, published=article.published_at is not None):
            self.read_cache_keep_not()

    def _detail(self, request: Request, article_id: int, code: int = status.HTTP_200_OK, **headers) -> Response:
        article = selectors.article_detail().get(pk=article_id)
        return Response(
            ArticleDetailSerializer(article, context={"request": request}).data, status=code, headers=headers
        )

    @extend_schema(
        request=ArticleCreateSerializer,
        responses={
            201: OpenApiResponse(ArticleDetailSerializer, description="Stored; extraction queued."),
            200: OpenApiResponse(ArticleDetailSerializer, description="The same content was already stored."),
        },
    )
    def create(self, request: Request) -> Response:
        result = article_ingest(added_by=request.user, **validated(ArticleCreateSerializer, request))
        if not result.created:
            return self._detail(request, result.article.pk)  # nothing written: an outage is an honest 503
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{result.article.pk}/")
        try:
            return self._detail(request, result.article.pk, status.HTTP_201_CREATED, Location=location)
        except (DatabaseError, InterfaceError) as exc:  # InterfaceError: the connection closed
            # The article and its job are committed: a 503 now would tell the client it was
            # lost. Answer from what the ingest stored, still in memory; a new article has no
            # items yet, so its counts are zero, as reading them back would have said.
            logger.warning("Article %s stored, answered without reading it back: %s", result.article.pk, exc)
            data = ArticleDetailSerializer(result.article, context={"counts": {}, "request": request}).data
            return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(request=ArticleUpdateSerializer, responses=ArticleDetailSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """New ``text`` makes a new revision (items re-anchored, extraction queued); other fields are settings."""
        data = dict(validated(ArticleUpdateSerializer, request))
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        text = data.pop("text", None)
        with transaction.atomic():  # new text and settings land together or not at all
            if text is not None:
                revision_services.article_revise(article_id=article.pk, editor=request.user, text=text)
            if data:
                revision_services.article_update_settings(article_id=article.pk, editor=request.user, **data)
        return self._detail(request, article.pk)

    @extend_schema(request=None, responses=ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Lock the article's items until it is reopened."""
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        publishing_services.article_publish(article_id=article.pk, editor=request.user)
        return self._detail(request, article.pk)

    @extend_schema(request=None, responses=ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Unlock a published article's items."""
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        publishing_services.article_reopen(article_id=article.pk, editor=request.user)
        return self._detail(request, article.pk)

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(ArticleDetailSerializer, description="A new job is queued for the current text."),
            403: OpenApiResponse(description="Not an editor (error body)."),
            404: OpenApiResponse(description="No such article (error body)."),
            409: OpenApiResponse(
                description=(
                    "A job for the current text is queued, running or done (`conflict`), or the article "
                    "is published (`locked`); the error body's message says which."
                )
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def extract(self, request: Request, pk: str | None = None) -> Response:
        """Queue extraction again for the current text after its job failed (or when it has none)."""
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        article_extraction_requeue(article_id=article.pk, editor=request.user)
        return self._detail(request, article.pk, status.HTTP_202_ACCEPTED)

    @extend_schema(request=AssignInputSerializer, responses=ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign every live item of the article to a reviewer (or to nobody)."""
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        assignee = validated(AssignInputSerializer, request)["assignee"]
        item_services.article_assign(article_id=article.pk, editor=request.user, assignee=assignee)
        return self._detail(request, article.pk)

    @extend_schema(responses=ClaimSerializer(many=True), filters=True)
    @action(
        detail=True, methods=["get"], filterset_class=ItemFilter, ordering_fields=ITEM_ORDERING,
        serializer_class=ClaimSerializer,
    )
    def claims(self, request: Request, pk: str | None = None) -> Response:
        """The claims on the article's current text in reading order, then any orphaned ones."""
        return self._items(request, pk, Item.Kind.CLAIM, ClaimSerializer)

    @extend_schema(responses=QuoteSerializer(many=True), filters=True)
    @action(
        detail=True, methods=["get"], filterset_class=QuoteFilter, ordering_fields=ITEM_ORDERING,
        serializer_class=QuoteSerializer,
    )
    def quotes(self, request: Request, pk: str | None = None) -> Response:
        """The quotes on the article's current text in reading order, then any orphaned ones."""
        return self._items(request, pk, Item.Kind.QUOTE, QuoteSerializer)

    def _items(self, request: Request, pk: str | None, kind: str, serializer_class) -> Response:
        def build() -> Response:
            article = get_object_or_404(
                Article.objects.only("id", "current_revision_id", "blind_review", "published_at"), pk=pk
            )
            self._keep_for_every_reader_only(article)
            items = selectors.items_of_article(article=article, kind=kind)
            queryset = self.filter_queryset(selectors.items_as_seen_by(items, reader=request.user))
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(serializer_class(page, many=True).data)

        return self.cached_article_read(request, int(pk), build)
