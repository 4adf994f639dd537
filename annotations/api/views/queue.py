"""The reviewer's work list, kept in the read cache per reviewer."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import readcache, selectors
from annotations.api.serializers.items import QuoteSerializer
from annotations.api.serializers.queue import QueueSerializer
from factcheck.api.permissions import RoleFor
from factcheck.roles import REVIEWER

_SMALL_NUMBER = re.compile(r"^[0-9]{1,9}$")


class QueueView(readcache.ReadCacheMixin, APIView):
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
        token = readcache.request_token(request)
        return (readcache.DESK, f"queue:token:{readcache.token_digest(token)}") if token else None
