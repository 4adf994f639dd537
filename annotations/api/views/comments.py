"""Comment threads on items: read and add (an action of ``ItemViewSet``), edit your own."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api.serializers.comments import CommentSerializer
from annotations.models import Comment
from annotations.services import items as item_services
from factcheck.api.permissions import RoleFor
from factcheck.api.serializers import StrictSerializer, validated
from factcheck.roles import REVIEWER


class CommentInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20000)


class ItemCommentActions:
    """For ``ItemViewSet``: uses its ``kind`` and ``readable_item``."""

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """The item's comment thread; POST adds to it."""
        if request.method == "GET":
            item = self.readable_item(pk)
            thread = Comment.objects.filter(item=item).select_related("author").order_by("created_at", "id")
            return Response(CommentSerializer(thread, many=True).data)
        body = validated(CommentInputSerializer, request)["body"]
        comment = item_services.comment_add(item_id=int(pk), kind=self.kind, author=request.user, body=body)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(generics.GenericAPIView):
    """Edit your own comment (the earlier text stays in the item's history)."""

    permission_classes = [IsAuthenticated, RoleFor]
    default_role = REVIEWER
    serializer_class = CommentSerializer
    queryset = Comment.objects.none()

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        body = validated(CommentInputSerializer, request)["body"]
        comment = item_services.comment_edit(comment_id=pk, user=request.user, body=body)
        return Response(CommentSerializer(comment).data)
