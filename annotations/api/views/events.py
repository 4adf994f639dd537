"""An article's desk events after a position, the catch-up call of its open pages (an action of ``ArticleViewSet``)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors
from annotations.api.serializers.events import DeskEventPageSerializer, DeskEventQuerySerializer
from annotations.models import Article


class ArticleEventActions:
    """For ``ArticleViewSet`` (viewer and up, its ``default_role``)."""

    @extend_schema(parameters=[DeskEventQuerySerializer], responses=DeskEventPageSerializer)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        """The changes on the article after position `after` that you may see, oldest first.

        A page keeps the last `next` it was given and asks again from it; an event is numbered
        once its change has committed, in commit order, so none is ever skipped. Blind mode
        leaves out others' verdicts (review, status, resolve events) as the items and their
        history do. At most `DESK_EVENTS_PAGE_SIZE` events are read per call; `more` says to
        ask again at once.
        """
        query = DeskEventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data["after"]
        article = get_object_or_404(Article.objects.only("id", "blind_review", "published_at"), pk=pk)
        if query.validated_data["latest"]:
            page = {"events": [], "next": selectors.article_events_latest(article=article), "more": False}
            return Response(DeskEventPageSerializer(page).data)
        events, next_position, more = selectors.article_events_after(
            article=article, user=request.user, after=after, limit=settings.DESK_EVENTS_PAGE_SIZE
        )
        return Response(DeskEventPageSerializer({"events": events, "next": next_position, "more": more}).data)
