"""Query-string filters of the list endpoints (django-filter)."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from annotations import selectors
from annotations.models import Article, ExtractionJob, Item, Review
from annotations.rules.visibility import others_reviews_shown
from annotations.selectors import workload
from annotations.selectors.factchecks import items_with_match
from annotations.selectors.reviews import status_shown_condition

# What a list of claims or quotes may be ordered by (``?ordering=``), wherever it is listed.
ITEM_ORDERING = ["id", "start", "score", "created_at", "updated_at", "status"]


class ArticleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        field_name="current_job__status", choices=ExtractionJob.Status.choices, help_text="Extraction status."
    )
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains", help_text="Words in the title.")
    publisher = django_filters.CharFilter(field_name="publisher", lookup_expr="iexact")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact")

    class Meta:
        model = Article
        fields = ["status", "search", "publisher", "language"]


# Ids are 64-bit: a larger number is a 400, not an overflow in the database driver.
_ID_RANGE = {"min_value": 1, "max_value": 2**63 - 1}


class ItemFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="revision__article_id", help_text="Article id.", **_ID_RANGE)
    revision = django_filters.NumberFilter(field_name="revision_id", help_text="Revision id.", **_ID_RANGE)
    status = django_filters.MultipleChoiceFilter(
        choices=Item.Status.choices, method="filter_status",
        help_text="One or more statuses, as you are shown them (blind mode shows unverified until you review).",
    )
    origin = django_filters.ChoiceFilter(choices=Item.Origin.choices)
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", help_text="Lowest score.", min_value=0, max_value=1
    )
    search = django_filters.CharFilter(field_name="text", lookup_expr="icontains", help_text="Words in the text.")
    has_match = django_filters.BooleanFilter(
        method="filter_has_match", help_text="Whether it matched an earlier fact-check you may see."
    )
    # The desk dashboard's figures (/review/desk/), each the list behind one of them.
    dismissed = django_filters.BooleanFilter(field_name="dismissed", help_text='Marked "not a claim".')
    waiting_second = django_filters.BooleanFilter(
        method="filter_waiting_second",
        help_text="Waiting for a second review: no editor's decision, at least one correct or disputed current "
        "review and fewer than the quorum (items whose reviews you may see).",
    )
    workload = django_filters.CharFilter(
        method="filter_workload",
        help_text='Open workload of this username (or "nobody"): assigned, unverified, not dismissed, not yet '
        "reviewed by the assignee. Editors, or your own username.",
    )
    decided_on = django_filters.DateFilter(
        method="filter_decided_on", help_text="Status set to correct or disputed on this day (YYYY-MM-DD)."
    )
    unverified_at = django_filters.DateFilter(
        method="filter_unverified_at", help_text="Created by the end of this day and without a verdict by then."
    )

    class Meta:
        model = Item
        fields = [
            "article", "revision", "status", "origin", "min_score", "search", "has_match",
            "dismissed", "waiting_second", "workload", "decided_on", "unverified_at",
        ]

    def filter_status(self, queryset, name: str, value: list[str]):
        # The status the caller is shown, not the stored one: a filter on the stored status
        # would tell them the verdicts blind mode keeps from them.
        reader = getattr(self.request, "user", None)
        return selectors.items_with_status_among(queryset, statuses=value, reader=reader)


    def filter_has_match(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        return items_with_match(queryset, has_match=value, reader=getattr(self.request, "user", None))

    # The four filters below tell verdicts, so for a reader blind mode keeps from some (a
    # non-editor) they apply the status as shown, as ``status`` does (``rules.visibility``).

    def filter_waiting_second(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        # Narrowed to an article or a revision: a few hundred items, counted one by one.
        narrowed = bool(self.data.get("article") or self.data.get("revision"))
        waiting = workload.waiting_second_review(per_item=narrowed)
        reader = getattr(self.request, "user", None)
        if status_shown_condition(reader) is not None:
            mine = Review.objects.filter(item_id=OuterRef("pk"), reviewer_id=reader.pk)
            shown = others_reviews_shown(blind="revision__article__blind_review", has_reviewed=Exists(mine))
            return queryset.filter(waiting & shown) if value else queryset.exclude(waiting & shown)
        return queryset.filter(waiting) if value else queryset.exclude(waiting)

    def filter_workload(self, queryset, name: str, value: str):
        reader = getattr(self.request, "user", None)
        if value == "nobody":
            assignee_id = None
        else:
            assignee_id = get_user_model().objects.filter(username=value).values_list("pk", flat=True).first()
            if assignee_id is None:
                raise ValidationError({"workload": [f'No user "{value}"; give a username or "nobody".']})
        if status_shown_condition(reader) is not None and assignee_id != reader.pk:
            raise ValidationError({"workload": ["Only editors may list another reviewer's workload."]})
        # ``open_workload`` with the status as the reader is shown it.
        assigned = queryset.filter(workload.assigned_unreviewed(assignee_id))
        return selectors.items_with_status_among(assigned, statuses=[Item.Status.UNVERIFIED], reader=reader)

    def filter_decided_on(self, queryset, name: str, value):
        shown = status_shown_condition(getattr(self.request, "user", None))
        decided = workload.decided_on(value)
        return queryset.filter(decided if shown is None else decided & shown)

    def filter_unverified_at(self, queryset, name: str, value):
        shown = status_shown_condition(getattr(self.request, "user", None))
        unverified = workload.unverified_at_end_of(value)
        if shown is None:
            return queryset.filter(unverified)
        # An item whose status the reader may not see is unverified to them since it was made.
        _start, end = workload.day_bounds(value)
        return queryset.filter((unverified & shown) | (Q(created_at__lt=end) & ~shown))


class QuoteFilter(ItemFilter):
    speaker = django_filters.CharFilter(field_name="speaker", lookup_expr="icontains", help_text="Part of a name.")

    class Meta(ItemFilter.Meta):
        fields = [*ItemFilter.Meta.fields, "speaker"]


class ItemOrderingFilter(OrderingFilter):
    """``?ordering=``, with ``status`` sorting by the status the caller is shown (the
    ``status_as_shown`` alias of ``selectors.items_as_seen_by``) where the items carry it."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or "status_as_shown" not in queryset.query.annotations:
            return ordering
        return [term.replace("status", "status_as_shown") if term.lstrip("-") == "status" else term
                for term in ordering]
