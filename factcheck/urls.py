"""URL map: the API under /api/v1/, its schema and docs, the admin, and a health check."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from annotations.api.health import health

urlpatterns = [
    # Interoperability (ClaimReview, Web Annotation, exports, webhooks); its routes do not overlap.
    path("api/v1/", include("integrations.api.urls")),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[]), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", permission_classes=[]), name="api-redoc"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
]

handler404 = "annotations.api.errors.api_not_found"
handler500 = "annotations.api.errors.api_server_error"
