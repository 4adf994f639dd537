"""Routes of the interoperability endpoints, mounted under /api/v1/ beside the domain's."""

from django.urls import path

from integrations.api.views import (
    ArticleInteropViewSet,
    ItemClaimReviewView,
    ItemsExportView,
    ItemsJSONLinesExportView,
    QuoteClaimReviewView,
    WebhookViewSet,
)

urlpatterns = [
    path("claims/<int:pk>/claimreview/", ItemClaimReviewView.as_view(), name="claim-claimreview"),
    path("quotes/<int:pk>/claimreview/", QuoteClaimReviewView.as_view(), name="quote-claimreview"),
    path(
        "articles/<int:pk>/claimreview/",
        ArticleInteropViewSet.as_view({"get": "claimreview"}),
        name="article-claimreview",
    ),
    path(
        "articles/<int:pk>/annotations/",
        ArticleInteropViewSet.as_view({"get": "annotations", "post": "annotations"}),
        name="article-annotations",
    ),
    path("export/items.csv", ItemsExportView.as_view(), name="export-items-csv"),
    path("export/items.jsonl", ItemsJSONLinesExportView.as_view(), name="export-items-jsonl"),
    path("webhooks/", WebhookViewSet.as_view({"get": "list", "post": "create"}), name="webhook-list"),
    path(
        "webhooks/<int:pk>/",
        WebhookViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="webhook-detail",
    ),
    path("webhooks/<int:pk>/deliveries/", WebhookViewSet.as_view({"get": "deliveries"}), name="webhook-deliveries"),
]
