"""Routes of API version 1."""

from rest_framework.routers import DefaultRouter

from annotations.api.views import ArticleViewSet, ClaimViewSet, QuoteViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("quotes", QuoteViewSet, basename="quote")

urlpatterns = router.urls
