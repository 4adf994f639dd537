"""Admin of the extraction queue: jobs with their last error and a retry action, and the workers'
heartbeats (the dashboard shows whether they are recent)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from annotations.models import ExtractionJob, WorkerHeartbeat
from annotations.services.queue import extraction_job_retry
from factcheck.api.pagination import CappedCountPaginator


@admin.register(ExtractionJob)
class ExtractionJobAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "status", "attempts", "error", "extractor_version", "updated_at"]
    list_filter = ["status", "extractor_version", "updated_at"]
    search_fields = ["article__title", "last_error", "source_url"]
    list_select_related = ["article"]
    readonly_fields = [
        "article", "revision", "source_url", "status", "attempts", "last_error", "extractor_version",
        "created_at", "updated_at", "enqueued_at", "started_at", "finished_at",
    ]
    actions = ["retry_jobs"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a job is created with its article or revision by the ingest and revision services

    @admin.display(description="Last error")
    def error(self, job: ExtractionJob) -> str:
        return Truncator(job.last_error).words(12)

    @admin.action(description="Queue the selected jobs again")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = sum(extraction_job_retry(job_id=job_id) for job_id in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{queued} job(s) queued again.", messages.SUCCESS)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """When each worker host last ran the heartbeat task; written by workers only."""

    list_display = ["hostname", "seen_at"]
    readonly_fields = ["hostname", "seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
