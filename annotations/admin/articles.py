"""Admin of articles and their revisions: list, search, extract again, assign every item, publish.

Articles are not added here: an article is its text's first revision and an extraction job,
written together by the ingest service (the desk's ingest page, ``POST /api/v1/articles/``,
``manage.py import_articles``); a bare row saved from a form would have neither.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.admin.actions import DeskActionForm, chosen_assignee, editor_or_refuse, report
from annotations.models import Article, ArticleRevision
from annotations.selectors.desk import unverified_counts
from annotations.services.bulk import articles_reextract
from annotations.services.items import article_assign
from annotations.services.publishing import article_publish, article_reopen
from factcheck.api.pagination import CappedCountPaginator
from factcheck.errors import ServiceError


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ["number", "content_hash", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "publisher", "language", "extraction_status", "added_by", "created_at"]
    list_display_links = ["id", "title"]
    list_filter = ["current_job__status", "language", "publisher", "created_at"]
    search_fields = ["title", "source_url", "byline"]
    list_select_related = ["current_job", "added_by"]
    date_hierarchy = "created_at"
    # Publishing and blind mode change what reviewers may do and are recorded in the history, so
    # they change through the API's services (publish/reopen, PATCH), never by editing the row.
    readonly_fields = [
        "ingest_key", "current_revision", "current_job", "added_by", "created_at", "updated_at",
        "blind_review", "published_at", "published_by",
    ]
    inlines = [RevisionInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    action_form = DeskActionForm
    actions = ["reextract_selected", "assign_items_of_selected", "publish_selected", "reopen_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # through the ingest service only (see the module's docstring)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an article, its revisions, items and history are kept

    @admin.action(description="Publish the selected articles (their items lock)")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
            return
        self._publishing(request, queryset, article_publish, "published")

    @admin.action(description="Reopen the selected articles")
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
            return
        self._publishing(request, queryset, article_reopen, "reopened")

    def _publishing(self, request: HttpRequest, queryset: QuerySet, service, done: str) -> None:
        """Run ``service`` on each article; say how many changed, which were skipped and why, and
        how many unverified items the newly published ones carry (published anyway, as the API does)."""
        changed, skipped = [], []
        for article in queryset:
            try:
                service(article_id=article.pk, editor=request.user)
            except ServiceError as refused:
                skipped.append(f"{article}: {refused}")
            else:
                changed.append(article.pk)
        self.message_user(request, f"{len(changed)} article(s) {done}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, "Skipped: " + "; ".join(skipped), messages.WARNING)
        if done == "published" and changed:
            unverified = unverified_counts(article_ids=changed)
            waiting = {pk: n for pk, n in unverified.items() if n}
            if waiting:
                listed = ", ".join(f"article {pk}: {n}" for pk, n in sorted(waiting.items()))
                self.message_user(
                    request, f"Published with unverified items ({listed}); reopen to review them.", messages.WARNING
                )

    @admin.action(description="Extract the selected articles again")
    def reextract_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
            return
        result = articles_reextract(article_ids=list(queryset.values_list("pk", flat=True)))
        report(self, request, result, "article(s) queued for extraction")

    @admin.action(description="Assign every item of the selected articles to the chosen reviewer")
    def assign_items_of_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not editor_or_refuse(self, request):
            return
        assignee = chosen_assignee(request)
        changed = 0
        for article_id in queryset.values_list("pk", flat=True):
            changed += article_assign(article_id=article_id, editor=request.user, assignee=assignee)
        who = assignee.get_username() if assignee else "nobody"
        self.message_user(request, f"{changed} item(s) assigned to {who}.", messages.SUCCESS)

    @admin.display(description="Extraction", ordering="current_job__status")
    def extraction_status(self, article: Article) -> str:
        return article.current_job.status if article.current_job else "-"


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "number", "content_hash", "created_at"]
    list_select_related = ["article"]
    search_fields = ["article__title", "content_hash"]
    readonly_fields = ["article", "number", "body", "content_hash", "created_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a revision is never edited; a change is a new revision
