"""Interoperability endpoints: parse, call a selector or a service, render. They decide nothing."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.models import Article, Item
from factcheck.api.parsers import LimitedJSONParser
from factcheck.api.permissions import RoleFor
from factcheck.api.serializers import validated
from factcheck.roles import EDITOR, VIEWER
from integrations import selectors
from integrations.api.renderers import JSONLDRenderer, ScriptSafeJSONRenderer
from integrations.api.serializers import (
    LARGEST_ID,
    AnnotationImportReportSerializer,
    ExportFilterSerializer,
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionInputSerializer,
    WebhookSubscriptionSerializer,
    WebhookSubscriptionUpdateSerializer,
)
from integrations.models import WebhookSubscription
from integrations.services import claimreview, exports, webannotation, webhooks

ANNO_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


class JSONLDParser(LimitedJSONParser):
    """Web Annotation clients post ``application/ld+json``; same size limit as plain JSON."""

    media_type = "application/ld+json"


class FirstRenderer(BaseContentNegotiation):
    """Downloads answer in their one format whatever ``Accept`` says (``text/csv`` included)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _absolute(request: Request):
    return request.build_absolute_uri


# --- ClaimReview -----------------------------------------------------------------------------

CLAIMREVIEW_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT, description="schema.org ClaimReview (JSON-LD): claimReviewed, itemReviewed, reviewRating..."
)
NOT_RESOLVED = OpenApiResponse(description="The item is unverified, or the article is not published (error body).")


class ItemClaimReviewView(APIView):
    """ClaimReview of one resolved claim or quote (status correct or disputed)."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER
    renderer_classes = [ScriptSafeJSONRenderer, JSONLDRenderer]
    kind = Item.Kind.CLAIM

    @extend_schema(responses={200: CLAIMREVIEW_RESPONSE, 404: OpenApiResponse(description="No such item."),
                              409: NOT_RESOLVED})
    def get(self, request: Request, pk: int) -> Response:
        item = claimreview.require_item(
            selectors.item_for_claimreview(item_id=pk, kind=self.kind, reader=request.user), kind=self.kind, item_id=pk
        )
        body = claimreview.claimreview_for_item(
            item, article=item.revision.article, url_for=claimreview.default_review_url(_absolute(request))
        )
        return Response(body)


class QuoteClaimReviewView(ItemClaimReviewView):
    """ClaimReview of one resolved quote: the claim's author is the speaker."""

    kind = Item.Kind.QUOTE


class MetadataWithoutFields(SimpleMetadata):
    """OPTIONS of a view whose bodies no serializer describes: name, description, media types.

    DRF's ``SimpleMetadata`` asks ``get_serializer()`` for the fields of each allowed write, which
    fails without a ``serializer_class`` (it was a 500); with no metadata class at all OPTIONS is a
    405 under an ``Allow`` header that lists it.
    """

    def determine_actions(self, request, view) -> dict:
        return {}


class ArticleInteropViewSet(viewsets.GenericViewSet):
    """An article's ClaimReviews and its Web Annotations (export and import)."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER
    roles = {"annotations": EDITOR}  # POST: import
    renderer_classes = [ScriptSafeJSONRenderer, JSONLDRenderer]
    parser_classes = [LimitedJSONParser, JSONLDParser]
    queryset = Article.objects.none()
    # The import body is a Web Annotation collection, not a DRF serializer's fields, so OPTIONS
    # cannot describe it from one: it answers with the view and its media types only.
    metadata_class = MetadataWithoutFields

    @extend_schema(responses={200: CLAIMREVIEW_RESPONSE, 404: OpenApiResponse(description="No such article."),
                              409: NOT_RESOLVED})
    def claimreview(self, request: Request, pk: int) -> Response:
        """A JSON-LD ``@graph`` of ClaimReviews, one per resolved claim and quote of a published article."""
        article = get_object_or_404(selectors.article_for_export(), pk=pk)
        body = claimreview.claimreview_for_article(
            article=article,
            items=selectors.resolved_items_of(article=article),
            url_for=claimreview.default_review_url(_absolute(request)),
        )
        return Response(body)

    @extend_schema(
        methods=["GET"],
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="W3C AnnotationCollection (JSON-LD)."),
    )
    @extend_schema(
        methods=["POST"],
        request={"application/json": OpenApiTypes.OBJECT, "application/ld+json": OpenApiTypes.OBJECT},
        responses={
            200: AnnotationImportReportSerializer,
            201: AnnotationImportReportSerializer,
            413: OpenApiResponse(
                description=f"More than {webannotation.IMPORT_MAX_ANNOTATIONS} annotations: nothing is imported."
            ),
        },
        description=(
            "Import Web Annotations (a collection, a page, a list or one) onto the current text. At most "
            f"{webannotation.IMPORT_MAX_ANNOTATIONS} annotations a request; more is 413 `too_large` and "
            "nothing is imported. A TextPositionSelector past the end of the text is ignored (the "
            "TextQuoteSelector anchors the annotation, or it is reported unanchored)."
        ),
    )
    def annotations(self, request: Request, pk: int) -> Response:
        """GET: every live item and the reviews you may see, as Web Annotations. POST: import them (editors)."""
        if request.method == "POST":
            report = webannotation.annotations_import(
                article_id=pk, user=request.user, annotations=webannotation.annotations_from_document(request.data)
            )
            code = status.HTTP_201_CREATED if report.created or report.reviewed else status.HTTP_200_OK
            return Response(AnnotationImportReportSerializer(report.as_dict()).data, status=code)
        article = get_object_or_404(selectors.article_for_export(), pk=pk)
        visibility = selectors.ReviewsShownTo(request.user)
        absolute = _absolute(request)
        body = webannotation.annotation_collection(
            article=article,
            items=selectors.live_items_with_reviews(article=article),
            reviews_of=lambda item: visibility.filter(
                item.current_reviews, item_id=item.pk, blind=article.blind_review
            ),
            collection_url=absolute(request.path),
            source=article.source_url or absolute(f"/api/v1/articles/{article.pk}/"),
            item_url=lambda item: absolute(f"/api/v1/{item.kind}s/{item.pk}/"),
        )
        return Response(body, content_type=ANNO_MEDIA_TYPE if request.accepted_media_type.endswith("ld+json") else None)


# --- Exports ---------------------------------------------------------------------------------


EXPORT_FILTERS = [
    OpenApiParameter(
        "article", {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}, description="Only this article's items."
    ),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Item.Kind.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Item.Status.values, many=True, description="Repeatable."),
]


class ItemsExportView(APIView):
    """Every item with its status, current reviews and evidence, streamed as CSV (one row per item)."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = VIEWER
    content_negotiation_class = FirstRenderer
    export_format = "csv"

    @extend_schema(
        operation_id="export_items_csv", parameters=EXPORT_FILTERS, responses={(200, "text/csv"): OpenApiTypes.STR}
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        params = {key: request.query_params.get(key) for key in ("article", "kind") if key in request.query_params}
        if "status" in request.query_params:
            params["status"] = request.query_params.getlist("status")
        unknown = sorted(set(request.query_params) - {"article", "kind", "status"})
        params.update(dict.fromkeys(unknown, ""))  # refused by the strict serializer, naming the field
        serializer = ExportFilterSerializer(data=params)
        serializer.is_valid(raise_exception=True)
        filters = serializer.validated_data
        items = exports.export_queryset(
            reader=request.user, article=filters.get("article"), kind=filters.get("kind"),
            statuses=filters.get("status"),
        )
        visibility = selectors.ReviewsShownTo(request.user)
        if self.export_format == "jsonl":
            response = StreamingHttpResponse(
                exports.export_jsonl(items, visibility), content_type="application/x-ndjson; charset=utf-8"
            )
        else:
            response = StreamingHttpResponse(
                exports.export_csv(items, visibility), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="items.{self.export_format}"'
        return response


class ItemsJSONLinesExportView(ItemsExportView):
    """Every item with its status, current reviews and evidence, streamed as JSON Lines (one object a line)."""

    export_format = "jsonl"

    @extend_schema(
        operation_id="export_items_jsonl",
        parameters=EXPORT_FILTERS,
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return super().get(request)


# --- Webhooks --------------------------------------------------------------------------------


class WebhookViewSet(viewsets.GenericViewSet):
    """Webhook subscriptions (editors): who is told about which events, and each delivery's log."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = EDITOR
    serializer_class = WebhookSubscriptionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.webhook_subscriptions()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookSubscriptionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(WebhookSubscriptionSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(request=WebhookSubscriptionInputSerializer, responses={201: WebhookSubscriptionCreatedSerializer})
    def create(self, request: Request) -> Response:
        """Subscribe a URL. The answer holds the signing secret: it is not shown again."""
        data = validated(WebhookSubscriptionInputSerializer, request)
        subscription = webhooks.webhook_subscription_create(created_by=request.user, **data)
        subscription = self.get_queryset().get(pk=subscription.pk)
        return Response(WebhookSubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookSubscriptionUpdateSerializer, responses=WebhookSubscriptionSerializer)
    def partial_update(self, request: Request, pk: int) -> Response:
        data = validated(WebhookSubscriptionUpdateSerializer, request)
        webhooks.webhook_subscription_update(subscription_id=pk, **data)
        return Response(WebhookSubscriptionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: int) -> Response:
        webhooks.webhook_subscription_delete(subscription_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    def deliveries(self, request: Request, pk: int) -> Response:
        """The subscription's deliveries, newest first: body sent, response code, attempts, last error."""
        subscription = get_object_or_404(WebhookSubscription.objects.only("id"), pk=pk)
        page = self.paginate_queryset(selectors.webhook_deliveries(subscription_id=subscription.pk))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
