"""API views: parse, call a selector or a service, serialise. They decide nothing."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import readcache, selectors
from annotations.api.caching import ArticleReadCacheMixin, ReadCacheMixin, request_token
from annotations.api.filters import ArticleFilter, ItemFilter, QuoteFilter
from annotations.api.serializers import (
    AgreementSerializer,
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    AssignInputSerializer,
    ClaimSerializer,
    CommentInputSerializer,
    CommentSerializer,
    DismissInputSerializer,
    HistoryEventSerializer,
    ItemCreateSerializer,
    QueueSerializer,
    QuoteCreateSerializer,
    QuoteSerializer,
    ResolveInputSerializer,
    ReviewInputSerializer,
    ReviewListSerializer,
    ReviewSerializer,
    SpanInputSerializer,
)
from annotations.models import Article, Comment, Item
from annotations.rules.agreement import agreement_report
from annotations.services import items as item_services
from annotations.services import publishing as publishing_services
from annotations.services import review as review_services
from annotations.services import revisions as revision_services
from annotations.services.ingest import article_ingest
from factcheck.api.permissions import RoleFor
from factcheck.roles import EDITOR, REVIEWER, VIEWER

ITEM_ORDERING = ["id", "start", "score", "created_at", "updated_at", "status"]
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The item's ETag (its version), as read. A stale one is answered 412 with the current item.",
)
_ETAG_VERSION = re.compile(r'^\s*(?:W/)?"?([0-9]{1,18})"?\s*$')
_SMALL_NUMBER = re.compile(r"^[0-9]{1,9}$")


def expected_version(request: Request) -> int | None:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"`` or ``3``); ``None`` when absent.

    An unreadable value counts as version 0, which never matches, so it is answered 412.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = _ETAG_VERSION.match(header)
    return int(match.group(1)) if match else 0


def etag(item: Item) -> str:
    return f'"{item.version}"'


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ArticleViewSet(ArticleReadCacheMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Articles: ingest and change (editors), list and read (every role)."""

    lookup_value_regex = "[0-9]{1,18}"  # anything else is a 404 from the router, not a 500
    permission_classes = [IsAuthenticated, RoleFor]
    roles = {"create": EDITOR, "partial_update": EDITOR, "publish": EDITOR, "reopen": EDITOR, "assign": EDITOR}
    default_role = VIEWER
    filterset_class = ArticleFilter
    ordering_fields = ["created_at", "title", "published_date", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        if self.action in ("claims", "quotes"):
            return selectors.item_list(kind=Item.Kind.CLAIM if self.action == "claims" else Item.Kind.QUOTE)
        return selectors.article_detail() if self.action == "retrieve" else selectors.article_list()

    def get_serializer_class(self):
        if self.action == "create":
            return ArticleCreateSerializer
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        counts = selectors.item_counts(revision_ids=[article.current_revision_id for article in page])
        return self.get_paginated_response(ArticleSerializer(page, many=True, context={"counts": counts}).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self.cached_article_read(request, int(pk), lambda: super(ArticleViewSet, self).retrieve(request, pk=pk))

    def _detail(self, request: Request, article_id: int, code: int = status.HTTP_200_OK, **headers) -> Response:
        article = selectors.article_detail().get(pk=article_id)
        return Response(ArticleDetailSerializer(article).data, status=code, headers=headers)

    @extend_schema(
        request=ArticleCreateSerializer,
        responses={
            201: OpenApiResponse(ArticleDetailSerializer, description="Stored; extraction queued."),
            200: OpenApiResponse(ArticleDetailSerializer, description="The same content was already stored."),
        },
    )
    def create(self, request: Request) -> Response:
        result = article_ingest(added_by=request.user, **_valid(ArticleCreateSerializer, request))
        if not result.created:
            return self._detail(request, result.article.pk)
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{result.article.pk}/")
        return self._detail(request, result.article.pk, status.HTTP_201_CREATED, Location=location)

    @extend_schema(request=ArticleUpdateSerializer, responses=ArticleDetailSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """New ``text`` makes a new revision (items re-anchored, extraction queued); other fields are settings."""
        data = dict(_valid(ArticleUpdateSerializer, request))
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

    @extend_schema(request=AssignInputSerializer, responses=ArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign every live item of the article to a reviewer (or to nobody)."""
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        assignee = _valid(AssignInputSerializer, request)["assignee"]
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
            article = get_object_or_404(Article.objects.only("id", "current_revision_id"), pk=pk)
            queryset = self.filter_queryset(selectors.items_of_article(article=article, kind=kind))
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(serializer_class(page, many=True).data)

        return self.cached_article_read(request, int(pk), build)


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Claims across all articles, and everything reviewers and editors do to one."""

    kind = Item.Kind.CLAIM
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ClaimSerializer
    create_serializer_class = ItemCreateSerializer
    filterset_class = ItemFilter
    ordering_fields = ITEM_ORDERING
    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER
    roles = {
        "create": REVIEWER, "reviews": REVIEWER, "dismiss": REVIEWER, "comments": REVIEWER,
        "partial_update": EDITOR, "resolve": EDITOR, "assign": EDITOR,
    }
    read_roles = {"reviews": VIEWER, "comments": VIEWER}  # GET on these actions
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return selectors.item_list(kind=self.kind).select_related("assigned_to")

    def _item(self, item_id: int, code: int = status.HTTP_200_OK) -> Response:
        item = get_object_or_404(self.get_queryset(), pk=item_id)
        return Response(self.serializer_class(item).data, status=code, headers={"ETag": etag(item)})

    def _readable_item(self, pk: str | None) -> Item:
        return get_object_or_404(
            Item.objects.select_related("revision__article").defer("revision__body").filter(kind=self.kind), pk=pk
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        response = super().retrieve(request, pk=pk)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(request=ItemCreateSerializer, responses={201: ClaimSerializer})
    def create(self, request: Request) -> Response:
        """Add an item the engine missed; the span is checked against the article's current text."""
        data = _valid(self.create_serializer_class, request)
        item = item_services.item_add(article_id=data.pop("article"), kind=self.kind, user=request.user, **data)
        return self._item(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SpanInputSerializer, parameters=[IF_MATCH])
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Move the item's span (editors). Needs If-Match."""
        data = _valid(SpanInputSerializer, request)
        item = item_services.item_update_span(
            item_id=int(pk), kind=self.kind, user=request.user, expected_version=expected_version(request), **data
        )
        return self._item(item.pk)

    @extend_schema(
        methods=["GET"], responses=ReviewListSerializer,
        parameters=[OpenApiParameter("all", OpenApiTypes.BOOL, description="Include superseded reviews.")],
    )
    @extend_schema(
        methods=["POST"], request=ReviewInputSerializer, responses={201: ReviewSerializer}, parameters=[IF_MATCH]
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        """GET: the reviews you may see (blind mode hides others' until you review). POST: your verdict."""
        if request.method == "GET":
            item = self._readable_item(pk)
            include_all = request.query_params.get("all") in ("1", "true", "yes")
            visible, hidden = selectors.reviews_visible_to(item=item, user=request.user, include_superseded=include_all)
            return Response({"results": ReviewSerializer(visible, many=True).data, "hidden": hidden})
        data = _valid(ReviewInputSerializer, request)
        review, item = review_services.review_submit(
            item_id=int(pk), kind=self.kind, reviewer=request.user, expected_version=expected_version(request), **data
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED, headers={"ETag": etag(item)})

    @extend_schema(request=ResolveInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """An editor decides the item's status. Needs If-Match."""
        data = _valid(ResolveInputSerializer, request)
        item = review_services.item_resolve(
            item_id=int(pk), kind=self.kind, editor=request.user, expected_version=expected_version(request), **data
        )
        return self._item(item.pk)

    @extend_schema(request=AssignInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign the item to a reviewer, or to nobody with null. Needs If-Match."""
        assignee = _valid(AssignInputSerializer, request)["assignee"]
        item = item_services.item_assign(
            item_id=int(pk), kind=self.kind, editor=request.user, assignee=assignee,
            expected_version=expected_version(request),
        )
        return self._item(item.pk)

    @extend_schema(request=DismissInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Mark the item "not a claim" with a reason: hidden from the queue, kept. Needs If-Match."""
        reason = _valid(DismissInputSerializer, request)["reason"]
        item = review_services.item_dismiss(
            item_id=int(pk), kind=self.kind, reviewer=request.user, reason=reason,
            expected_version=expected_version(request),
        )
        return self._item(item.pk)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """The item's comment thread; POST adds to it."""
        if request.method == "GET":
            item = self._readable_item(pk)
            thread = Comment.objects.filter(item=item).select_related("author").order_by("created_at", "id")
            return Response(CommentSerializer(thread, many=True).data)
        body = _valid(CommentInputSerializer, request)["body"]
        comment = item_services.comment_add(item_id=int(pk), kind=self.kind, author=request.user, body=body)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=HistoryEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change to the item, oldest first (paginated)."""
        item = self._readable_item(pk)
        page = self.paginate_queryset(selectors.item_history(item=item, user=request.user))
        return self.get_paginated_response(HistoryEventSerializer(page, many=True).data)


class QuoteViewSet(ClaimViewSet):
    """Quotes across all articles (filter by speaker too), and everything done to one."""

    kind = Item.Kind.QUOTE
    serializer_class = QuoteSerializer
    create_serializer_class = QuoteCreateSerializer
    filterset_class = QuoteFilter

    @extend_schema(request=QuoteCreateSerializer, responses={201: QuoteSerializer})
    def create(self, request: Request) -> Response:
        return super().create(request)


class CommentDetailView(generics.GenericAPIView):
    """Edit your own comment (the earlier text stays in the item's history)."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = REVIEWER
    serializer_class = CommentSerializer
    queryset = Comment.objects.none()

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        body = _valid(CommentInputSerializer, request)["body"]
        comment = item_services.comment_edit(comment_id=pk, user=request.user, body=body)
        return Response(CommentSerializer(comment).data)


class QueueView(ReadCacheMixin, APIView):
    """Your next items to review: unverified, assigned to you or to nobody, best score and oldest first.

    A work list, not a browsable collection: it returns the first ``limit`` items (default 20,
    at most 100) and no total, so it costs the same however long the backlog is.
    """

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = REVIEWER

    @extend_schema(
        responses=QueueSerializer,
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="How many items (1-100, default 20).")],
    )
    def get(self, request: Request) -> Response:
        limit = request.query_params.get("limit", "20")
        if not _SMALL_NUMBER.match(limit) or not 1 <= int(limit) <= 100:
            raise ValidationError({"limit": ["A whole number from 1 to 100."]})

        def build() -> Response:
            items = selectors.review_queue(user=request.user)[: int(limit)]
            return Response({"results": QuoteSerializer(items, many=True).data})

        # Kept per reviewer: per token (see read_cache_key), else per user; any change on the desk
        # (an item, a review, an article) drops it.
        scope, where = self.read_cache_key(request) or (readcache.DESK, f"queue:user:{request.user.pk}")
        return self.cached_read(request, scope, where, build)

    def read_cache_key(self, request: Request) -> tuple[str, str] | None:
        # A token names its user before authentication (a request with a token header is
        # authenticated by that token or refused), so the queue is that token's user's.
        token = request_token(request)
        return (readcache.DESK, f"queue:token:{readcache.token_digest(token)}") if token else None


class AgreementView(APIView):
    """Agreement between reviewers over items with two or more current reviews."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER

    @extend_schema(
        responses=AgreementSerializer,
        parameters=[OpenApiParameter("article", OpenApiTypes.INT, description="Only this article's items.")],
    )
    def get(self, request: Request) -> Response:
        article = request.query_params.get("article")
        if article is not None and not _SMALL_NUMBER.match(article):
            raise ValidationError({"article": ["Must be an article id."]})
        units = selectors.agreement_units(user=request.user, article_id=int(article) if article else None)
        report = agreement_report(units)
        return Response(AgreementSerializer(report).data)
