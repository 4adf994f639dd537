"""Admin of the fact-check library: earlier checks (imported or this desk's), the matches found
and the matching runs. Rows come from the import command, the desk's verdicts and the matching
tasks, so nothing here is added or edited by hand; a bad import can be taken out (with its
matches), a failed run queued again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from annotations.models import ClaimMatch, FactCheck, FactCheckVector, MatchJob
from annotations.services.matching import match_job_create
from factcheck.api.pagination import CappedCountPaginator


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ["id", "claim", "verdict", "rating", "publisher", "source", "reviewed_at", "embedded"]
    list_filter = ["source", "verdict", "reviewed_at"]
    search_fields = ["claim_text", "title", "publisher", "review_url", "external_id"]
    list_select_related = ["item", "article"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    actions = ["take_out"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in FactCheck._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Whether it has a vector (bytes of no use to read) is one EXISTS, not a query per row.
        embedded = Exists(FactCheckVector.objects.filter(factcheck=OuterRef("pk")))
        return super().get_queryset(request).defer("evidence", "rationale").annotate(has_vector=embedded)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # ``manage.py import_factchecks``, or a verdict on the desk

    def has_delete_permission(self, request: HttpRequest, obj: FactCheck | None = None) -> bool:
        return False  # "Take out of the library" below: a desk check follows its item's verdict

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not request.user.has_perm("annotations.delete_factcheck"):
            actions.pop("take_out", None)
        return actions

    @admin.action(description="Take the selected imported checks out of the library")
    def take_out(self, request: HttpRequest, queryset: QuerySet) -> None:
        imported = queryset.filter(source=FactCheck.Source.IMPORTED)
        with transaction.atomic():  # the checks and their matches go together
            removed = imported.count()
            imported.delete()
        kept = queryset.count()
        self.message_user(request, f"{removed} imported check(s) taken out of the library.", messages.SUCCESS)
        if kept:
            self.message_user(
                request, f"{kept} desk check(s) kept: they follow their item's verdict.", messages.WARNING
            )

    @admin.display(description="Claim")
    def claim(self, factcheck: FactCheck) -> str:
        return Truncator(factcheck.claim_text).words(14)

    @admin.display(description="Embedded", boolean=True)
    def embedded(self, factcheck: FactCheck) -> bool:
        return bool(getattr(factcheck, "has_vector", False))


@admin.register(ClaimMatch)
class ClaimMatchAdmin(admin.ModelAdmin):
    """Matches as the runs stored them, read-only: feedback is the reviewers' (review page, API)."""

    list_display = ["id", "item", "factcheck", "score", "feedback", "matcher_version", "updated_at"]
    list_filter = ["feedback", "matcher_version"]
    list_select_related = ["item", "factcheck"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in ClaimMatch._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("factcheck__evidence", "factcheck__rationale")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MatchJob)
class MatchJobAdmin(admin.ModelAdmin):
    list_display = ["id", "target", "status", "attempts", "error", "matched", "matcher_version", "updated_at"]
    list_filter = ["status", "updated_at"]
    search_fields = ["last_error"]
    actions = ["match_again"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in MatchJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are queued by extraction, verdicts and imports

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Target")
    def target(self, job: MatchJob) -> str:
        return f"revision {job.revision_id}" if job.revision_id else f"fact-check {job.factcheck_id}"

    @admin.display(description="Last error")
    def error(self, job: MatchJob) -> str:
        return Truncator(job.last_error).words(12)

    @admin.action(description="Match the selected runs' targets again")
    def match_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        targets = {(job.revision_id, job.factcheck_id) for job in queryset.only("revision_id", "factcheck_id")}
        with transaction.atomic():  # each run is published once this commits
            for revision_id, factcheck_id in targets:
                match_job_create(revision_id=revision_id, factcheck_id=factcheck_id)
        self.message_user(request, f"{len(targets)} run(s) queued.", messages.SUCCESS)
