"""Routes of API version 1."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from annotations.api.views.agreement import AgreementView
from annotations.api.views.articles import ArticleViewSet
from annotations.api.views.comments import CommentDetailView
from annotations.api.views.items import ClaimViewSet, QuoteViewSet
from annotations.api.views.queue import QueueView

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
