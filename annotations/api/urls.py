"""Routes of API version 1."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api.views import (
    AgreementView,
    ArticleViewSet,
    ClaimViewSet,
    CommentDetailView,
    QueueView,
    QuoteViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("quotes", QuoteViewSet, basename="quote")

urlpatterns = [
    path("queue/", QueueView.as_view(), name="queue"),
    path("comments/<int:pk>/", CommentDetailView.as_view(), name="comment-detail"),
    path("stats/agreement/", AgreementView.as_view(), name="agreement"),
    *router.urls,
]
