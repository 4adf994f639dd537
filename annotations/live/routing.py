"""The live desk's socket URLs (mounted under the ASGI router in ``factcheck.asgi``)."""

from __future__ import annotations

from django.urls import path

from annotations.live.consumers import ArticleDeskConsumer

websocket_urlpatterns = [
    path("ws/articles/<int:article_id>/", ArticleDeskConsumer.as_asgi(), name="article-desk-socket"),
]
