"""An item's history: every change to it, oldest first (an action of ``ItemViewSet``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors
from annotations.api.serializers.history import HistoryEventSerializer


class ItemHistoryActions:
    """For ``ItemViewSet``: uses its ``readable_item`` and pagination."""

    @extend_schema(responses=HistoryEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every change to the item, oldest first (paginated)."""
        item = self.readable_item(pk)
        page = self.paginate_queryset(selectors.item_history(item=item, user=request.user))
        return self.get_paginated_response(HistoryEventSerializer(page, many=True).data)
