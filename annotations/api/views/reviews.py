"""An item's verdicts: the reviews you may see and your own, an editor's resolution, a dismissal.

Actions of ``ItemViewSet`` (``/claims/{id}/...`` and ``/quotes/{id}/...``), with the bodies they take.
"""

from __future__ import annotations

from django.core.validators import URLValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors
from annotations.api.serializers.reviews import ReviewListSerializer, ReviewSerializer
from annotations.models import Item
from annotations.services import review as review_services
from factcheck.api.preconditions import IF_MATCH, etag, expected_version
from factcheck.api.serializers import StrictSerializer, validated

# A review is its reviewer's own record: other reviewers' reviews never make it stale. Only a
# change of the item itself since the version read is a conflict (see ``review_submit``).
REVIEW_IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description=(
        "The item's ETag (its version), as read. Reviews submitted since by anyone (yours included) do not make "
        "it stale: independent reviews never conflict. A change of the item itself since then (span, speaker, "
        "resolution, assignment, dismissal, a new revision) is answered 412 with the current item."
    ),
)


class EvidenceSerializer(StrictSerializer):
    url = serializers.URLField(max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    title = serializers.CharField(required=False, max_length=500, default="", allow_blank=True)
    excerpt = serializers.CharField(required=False, max_length=5000, default="", allow_blank=True)


class ReviewInputSerializer(StrictSerializer):
    verdict = serializers.ChoiceField(choices=Item.Status.choices)
    rationale = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    evidence = EvidenceSerializer(many=True, required=False, default=list)


class ResolveInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Item.Status.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)


class DismissInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=5000)


class SpeakerInputSerializer(StrictSerializer):
    speaker = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    speaker_start = serializers.IntegerField(required=False, min_value=0, allow_null=True, default=None)
    speaker_end = serializers.IntegerField(required=False, min_value=1, allow_null=True, default=None)


class ItemReviewActions:
    """For ``ItemViewSet``: uses its ``kind``, ``readable_item`` and ``item_response``."""

    @extend_schema(
        methods=["GET"], responses=ReviewListSerializer,
        parameters=[OpenApiParameter("all", OpenApiTypes.BOOL, description="Include superseded reviews.")],
    )
    @extend_schema(
        methods=["POST"], request=ReviewInputSerializer, parameters=[REVIEW_IF_MATCH],
        responses={
            201: ReviewSerializer,
            412: OpenApiResponse(
                description="The item itself changed since the version in If-Match (not by reviews): the body's "
                "`current` is the item as it is now, its version in the ETag."
            ),
            428: OpenApiResponse(description="No If-Match sent."),
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        """GET: the reviews you may see (blind mode hides others' until you review). POST: your verdict.

        POST needs If-Match; only a change of the item itself since that version is a conflict (412),
        never another reviewer's review.
        """
        if request.method == "GET":
            item = self.readable_item(pk)
            include_all = request.query_params.get("all") in ("1", "true", "yes")
            visible, hidden = selectors.reviews_visible_to(item=item, user=request.user, include_superseded=include_all)
            return Response({"results": ReviewSerializer(visible, many=True).data, "hidden": hidden})
        data = validated(ReviewInputSerializer, request)
        review, item = review_services.review_submit(
            item_id=int(pk), kind=self.kind, reviewer=request.user, expected_version=expected_version(request), **data
        )
        return Response(
            ReviewSerializer(review).data, status=status.HTTP_201_CREATED, headers={"ETag": etag(item.version)}
        )

    @extend_schema(request=ResolveInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """An editor decides the item's status. Needs If-Match."""
        data = validated(ResolveInputSerializer, request)
        item = review_services.item_resolve(
            item_id=int(pk), kind=self.kind, editor=request.user, expected_version=expected_version(request), **data
        )
        return self.item_response(item.pk)

    @extend_schema(request=DismissInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Mark the item "not a claim" with a reason: hidden from the queue, kept. Needs If-Match."""
        reason = validated(DismissInputSerializer, request)["reason"]
        item = review_services.item_dismiss(
            item_id=int(pk), kind=self.kind, reviewer=request.user, reason=reason,
            expected_version=expected_version(request),
        )
        return self.item_response(item.pk)

    @extend_schema(request=None, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Undo "not a claim": the item is back in the text and the queue (409 if it was not dismissed).

        Needs If-Match."""
        item = review_services.item_restore(
            item_id=int(pk), kind=self.kind, reviewer=request.user, expected_version=expected_version(request)
        )
        return self.item_response(item.pk)

    @extend_schema(request=SpeakerInputSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], filterset_class=None)
    def speaker(self, request: Request, pk: str | None = None) -> Response:
        """Correct a quote's speaker (editors): ``speaker`` as typed, or the name at ``speaker_start``:``speaker_end``
        of the text. Claims answer 400. Needs If-Match."""
        data = validated(SpeakerInputSerializer, request)
        item = review_services.quote_set_speaker(
            item_id=int(pk), kind=self.kind, editor=request.user, expected_version=expected_version(request), **data
        )
        return self.item_response(item.pk)
