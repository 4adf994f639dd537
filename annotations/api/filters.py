"""Query-string filters of the list endpoints (django-filter)."""

from __future__ import annotations

import django_filters

from annotations.models import Article, ExtractionJob, Item


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


class ItemFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="revision__article_id", help_text="Article id.")
    revision = django_filters.NumberFilter(field_name="revision_id", help_text="Revision id.")
    status = django_filters.MultipleChoiceFilter(choices=Item.Status.choices, help_text="One or more statuses.")
    origin = django_filters.ChoiceFilter(choices=Item.Origin.choices)
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", help_text="Lowest score.")
    search = django_filters.CharFilter(field_name="text", lookup_expr="icontains", help_text="Words in the text.")

    class Meta:
        model = Item
        fields = ["article", "revision", "status", "origin", "min_score", "search"]


class QuoteFilter(ItemFilter):
    speaker = django_filters.CharFilter(field_name="speaker", lookup_expr="icontains", help_text="Part of a name.")

    class Meta(ItemFilter.Meta):
        fields = [*ItemFilter.Meta.fields, "speaker"]
