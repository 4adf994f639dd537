"""Routes of the review pages (mounted under /review/) and the session login."""

from django.urls import path
from django.views.generic import RedirectView

from annotations.dashboard.desk import desk_dashboard
from annotations.web import views, workers

app_name = "review"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("articles/<int:pk>/", views.article_review, name="article"),
    path("articles/<int:pk>/progress/", views.article_progress, name="article-progress"),
    path("workers/", workers.workers_state, name="workers"),
    path("queue/", views.my_queue, name="my-queue"),
    path("ingest/", views.article_ingest_page, name="ingest"),
    path("desk/", desk_dashboard, name="desk"),
    path("articles/", RedirectView.as_view(pattern_name="review:article-list", permanent=False)),
]
