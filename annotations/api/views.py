"""API views: parse, call a selector or a service, serialise. They decide nothing."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors
from annotations.api.filters import ArticleFilter, ItemFilter, QuoteFilter
from annotations.api.permissions import HasViewerRole, ReadOrEditorWrites
from annotations.api.serializers import (
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ClaimSerializer,
    QuoteSerializer,
)
from annotations.models import Article, Item
from annotations.services.articles import article_ingest

ITEM_ORDERING = ["id", "start", "score", "created_at", "updated_at", "status"]


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Articles: ingest (editors), list and read (every role)."""

    permission_classes = [IsAuthenticated, ReadOrEditorWrites]
    filterset_class = ArticleFilter
    ordering_fields = ["created_at", "title", "published_date", "id"]

    def get_queryset(self) -> QuerySet:
        if self.action in ("claims", "quotes"):
            return selectors.item_list(kind=Item.Kind.CLAIM if self.action == "claims" else Item.Kind.QUOTE)
        return selectors.article_detail() if self.action == "retrieve" else selectors.article_list()

    def get_serializer_class(self):
        if self.action == "create":
            return ArticleCreateSerializer
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    @extend_schema(
        request=ArticleCreateSerializer,
        responses={
            201: OpenApiResponse(ArticleDetailSerializer, description="Stored; extraction queued."),
            200: OpenApiResponse(ArticleDetailSerializer, description="The same content was already stored."),
        },
    )
    def create(self, request: Request) -> Response:
        payload = ArticleCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = article_ingest(added_by=request.user, **payload.validated_data)
        article = selectors.article_detail().get(pk=result.article.pk)
        body = ArticleDetailSerializer(article, context={"request": request}).data
        if not result.created:
            return Response(body, status=status.HTTP_200_OK)
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{article.pk}/")
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    @extend_schema(responses=ClaimSerializer(many=True), filters=True)
    @action(
        detail=True, methods=["get"], filterset_class=ItemFilter, ordering_fields=ITEM_ORDERING,
        serializer_class=ClaimSerializer,
    )
    def claims(self, request: Request, pk: str | None = None) -> Response:
        """The claims on the article's current text, in reading order."""
        return self._items(request, pk, Item.Kind.CLAIM, ClaimSerializer)

    @extend_schema(responses=QuoteSerializer(many=True), filters=True)
    @action(
        detail=True, methods=["get"], filterset_class=QuoteFilter, ordering_fields=ITEM_ORDERING,
        serializer_class=QuoteSerializer,
    )
    def quotes(self, request: Request, pk: str | None = None) -> Response:
        """The quotes on the article's current text, in reading order."""
        return self._items(request, pk, Item.Kind.QUOTE, QuoteSerializer)

    def _items(self, request: Request, pk: str | None, kind: str, serializer_class) -> Response:
        article = get_object_or_404(Article.objects.only("id", "current_revision_id"), pk=pk)
        queryset = self.filter_queryset(selectors.items_of_article(article=article, kind=kind))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims across all articles, with filters, ordering and pagination."""

    permission_classes = [IsAuthenticated, HasViewerRole]
    serializer_class = ClaimSerializer
    filterset_class = ItemFilter
    ordering_fields = ITEM_ORDERING

    def get_queryset(self) -> QuerySet:
        return selectors.item_list(kind=Item.Kind.CLAIM)


class QuoteViewSet(ClaimViewSet):
    """Quotes across all articles, with filters (speaker too), ordering and pagination."""

    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter

    def get_queryset(self) -> QuerySet:
        return selectors.item_list(kind=Item.Kind.QUOTE)
