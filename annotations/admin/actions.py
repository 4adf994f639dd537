"""What the admin's bulk actions share: the action form's extra fields, the editor check, the report."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from annotations.models import Item
from annotations.services.bulk import BulkResult
from factcheck.roles import EDITOR, REVIEWER, user_has_role


def desk_members() -> QuerySet:
    """Active users who may be assigned items: editors, reviewers and superusers, by username."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[EDITOR, REVIEWER]), is_active=True)
        .distinct()
        .order_by("username")
    )


class DeskActionForm(ActionForm):
    """The action menu plus the values bulk actions need: whom to assign, which status, a note."""

    assignee = forms.ModelChoiceField(
        queryset=desk_members(), required=False, empty_label="(nobody)", label="Assignee"
    )
    status = forms.ChoiceField(choices=[("", "(status)"), *Item.Status.choices], required=False, label="Status")
    note = forms.CharField(required=False, label="Note", max_length=2000)


def editor_or_refuse(model_admin: admin.ModelAdmin, request: HttpRequest) -> bool:
    """Bulk decisions are an editor's, as in the API: staff without the role are told so."""
    if user_has_role(request.user, EDITOR):
        return True
    model_admin.message_user(request, "Only editors may do this: ask for the editor role.", messages.ERROR)
    return False


def chosen_assignee(request: HttpRequest):
    """The desk member picked in the action form's "Assignee" field, or ``None`` for nobody."""
    user_id = request.POST.get("assignee")
    return desk_members().filter(pk=user_id).first() if user_id else None


def report(model_admin: admin.ModelAdmin, request: HttpRequest, result: BulkResult, what: str) -> None:
    """Tell the user how many rows a bulk action changed and why the others were skipped."""
    level = messages.SUCCESS if not result.skipped else messages.WARNING
    model_admin.message_user(request, f"{result.changed} {what}. {result.summary()}.", level)
