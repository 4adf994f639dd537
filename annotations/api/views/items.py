"""Claims and quotes across all articles, and everything reviewers and editors do to one.

``ItemViewSet`` holds what both kinds answer (it is not routed); ``ClaimViewSet`` and
``QuoteViewSet`` are siblings that name their kind, shapes and filters. The verdicts, comments
and history of an item are actions written beside their resource (``reviews``, ``comments``,
``history``) and mixed in here.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors
from annotations.api.filters import ITEM_ORDERING, ItemFilter, ItemOrderingFilter, QuoteFilter
from annotations.api.serializers.items import AssignInputSerializer, ClaimSerializer, QuoteSerializer
from annotations.api.views.comments import ItemCommentActions
from annotations.api.views.history import ItemHistoryActions
from annotations.api.views.matches import ItemMatchActions
from annotations.api.views.reviews import ItemReviewActions
from annotations.models import Item
from annotations.services import items as item_services
from factcheck.api.permissions import RoleFor
from factcheck.api.preconditions import IF_MATCH, etag, expected_version
from factcheck.api.serializers import StrictSerializer, validated
from factcheck.roles import EDITOR, REVIEWER, VIEWER


class ItemCreateSerializer(StrictSerializer):
    """A claim or quote the engine missed, on the article's current text."""

    article = serializers.IntegerField()
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    text = serializers.CharField(required=False, trim_whitespace=False, help_text="If sent, must match the span.")


class QuoteCreateSerializer(ItemCreateSerializer):
    speaker = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    speaker_start = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)
    speaker_end = serializers.IntegerField(required=False, min_value=1, allow_null=True, default=None)
    cue = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)


class SpanInputSerializer(StrictSerializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)


class ItemViewSet(
    ItemReviewActions,
    ItemCommentActions,
    ItemHistoryActions,
    ItemMatchActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What claims and quotes share. A kind's viewset names ``kind``, ``serializer_class``,
    ``create_serializer_class`` and ``filterset_class``, and the schema of ``create``."""

    kind: str
    create_serializer_class: type[StrictSerializer]
    lookup_value_regex = "[0-9]{1,18}"
    filter_backends = [DjangoFilterBackend, ItemOrderingFilter]
    ordering_fields = ITEM_ORDERING
    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER
    roles = {
        "create": REVIEWER, "reviews": REVIEWER, "dismiss": REVIEWER, "restore": REVIEWER, "comments": REVIEWER,
        "partial_update": EDITOR, "resolve": EDITOR, "assign": EDITOR, "speaker": EDITOR,
        "match_feedback": REVIEWER,
    }
    read_roles = {"reviews": VIEWER, "comments": VIEWER}  # GET on these actions
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        items = selectors.item_list(kind=self.kind).select_related("assigned_to")
        return selectors.items_as_seen_by(items, reader=self.request.user)

    def item_response(self, item_id: int, code: int = status.HTTP_200_OK) -> Response:
        """The item as it is now, with its ETag."""
        item = get_object_or_404(self.get_queryset(), pk=item_id)
        return Response(self.serializer_class(item).data, status=code, headers={"ETag": etag(item.version)})

    def readable_item(self, pk: str | None) -> Item:
        """The item of this kind whose reviews, comments or history are read (404 if none)."""
        return get_object_or_404(
            Item.objects.select_related("revision__article").defer("revision__body").filter(kind=self.kind), pk=pk
        )

    def stale_representation(self, item: Item) -> dict:
        """The item a stale ``If-Match`` lost to, for the 412 answer (``factcheck.api.errors``).

        ``item`` is as the services lock it: with its revision, not the annotated article id.
        """
        item.article_id = item.revision.article_id
        item.status_shown = selectors.status_visible_to(item=item, user=self.request.user)
        return self.serializer_class(item).data

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        response = super().retrieve(request, pk=pk)
        response["ETag"] = etag(response.data["version"])
        return response

    def create(self, request: Request) -> Response:
        """Add an item the engine missed; the span is checked against the article's current text."""
        data = validated(self.create_serializer_class, request)
        item = item_services.item_add(article_id=data.pop("article"), kind=self.kind, user=request.user, **data)
        return self.item_response(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SpanInputSerializer, parameters=[IF_MATCH])
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Move the item's span (editors). Needs If-Match."""
        data = validated(SpanInputSerializer, request)
        item = item_services.item_update_span(
            item_id=int(pk), kind=self.kind, user=request.user, expected_version=expected_version(request), **data
        )
        return self.item_response(item.pk)

    @extend_schema(request=AssignInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign the item to a reviewer, or to nobody with null. Needs If-Match."""
        assignee = validated(AssignInputSerializer, request)["assignee"]
        item = item_services.item_assign(
            item_id=int(pk), kind=self.kind, editor=request.user, assignee=assignee,
            expected_version=expected_version(request),
        )
        return self.item_response(item.pk)


@extend_schema_view(create=extend_schema(request=ItemCreateSerializer, responses={201: ClaimSerializer}))
class ClaimViewSet(ItemViewSet):
    """Claims across all articles, and everything reviewers and editors do to one."""

    kind = Item.Kind.CLAIM
    serializer_class = ClaimSerializer
    create_serializer_class = ItemCreateSerializer
    filterset_class = ItemFilter


@extend_schema_view(create=extend_schema(request=QuoteCreateSerializer, responses={201: QuoteSerializer}))
class QuoteViewSet(ItemViewSet):
    """Quotes across all articles (filter by speaker too), and everything done to one."""

    kind = Item.Kind.QUOTE
    serializer_class = QuoteSerializer
    create_serializer_class = QuoteCreateSerializer
    filterset_class = QuoteFilter
