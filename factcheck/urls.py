"""URL map: the API under /api/v1/, its schema and docs, the review pages, the admin, and a health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from annotations.dashboard.views import admin_dashboard
from factcheck.api.health import health
from factcheck.csp import api_docs_policy

urlpatterns = [
    # Interoperability (ClaimReview, Web Annotation, exports, webhooks); its routes do not overlap.
    path("api/v1/", include("integrations.api.urls")),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    # Their own CSP (factcheck/csp.py). The split view serves Swagger UI's start script as a file
    # (?script), and the Redoc template has no inline script, no inline style and no web fonts.
    path(
        "api/docs/",
        api_docs_policy(SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[])),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        api_docs_policy(
            SpectacularRedocView.as_view(url_name="schema", permission_classes=[], template_name="api_docs/redoc.html")
        ),
        name="api-redoc",
    ),
    path("healthz", health, name="health"),
    # The review desk's pages and their session login (annotations/web/).
    path("review/", include("annotations.web.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", RedirectView.as_view(pattern_name="review:article-list", permanent=False)),
    # Before admin/ so that the admin's catch-all does not answer it; admin_view: staff only.
    path("admin/dashboard/", admin.site.admin_view(admin_dashboard), name="admin-dashboard"),
    path("admin/", admin.site.urls),
]

handler404 = "factcheck.api.errors.api_not_found"
handler500 = "factcheck.api.errors.api_server_error"
