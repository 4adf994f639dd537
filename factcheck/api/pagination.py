"""Page-number pagination with a client-chosen page size and a bounded count.

Counting every row of a million-item table costs more than reading a page of it, so the total
is counted only up to ``COUNT_CAP`` rows: ``count`` is exact below it, and ``count_capped`` says
when there are at least that many (narrow the list with filters to page further).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        """At most ``COUNT_CAP``: counts a sliced subquery, which stops at the cap."""
        if isinstance(self.object_list, list):
            return min(len(self.object_list), COUNT_CAP)
        return self.object_list.order_by().values("pk")[:COUNT_CAP].count()


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count >= COUNT_CAP
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when there are at least {COUNT_CAP} results and count stops there.",
        }
        return schema
