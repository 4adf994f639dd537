"""Query-string filters of the list endpoints (django-filter)."""

from __future__ import annotations

import django_filters
from rest_framework.filters import OrderingFilter

from annotations import selectors
from annotations.models import Article, ExtractionJob, Item
from annotations.selectors.factchecks import items_with_match

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

    class Meta:
        model = Item
        fields = ["article", "revision", "status", "origin", "min_score", "search", "has_match"]

    def filter_status(self, queryset, name: str, value: list[str]):
        # The status the caller is shown, not the stored one: a filter on the stored status
        # would tell them the verdicts blind mode keeps from them.
        reader = getattr(self.request, "user", None)
        return selectors.items_with_status_among(queryset, statuses=value, reader=reader)


    def filter_has_match(self, queryset, name: str, value: bool | None):
        if value is None:
            return queryset
        return items_with_match(queryset, has_match=value, reader=getattr(self.request, "user", None))


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
