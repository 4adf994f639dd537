"""Reads: querysets with their joins and aggregates decided once, for the API, the pages and the admin.

One module per aggregate: ``articles``, ``items`` (claims and quotes, the queue, counts),
``reviews`` (the reads blind mode governs) and ``events`` (the desk events a page catches up
on). Callers use ``from annotations import selectors`` and the names below.
"""

from annotations.selectors.articles import (
    ARTICLE_LIST_SORTS,
    article_detail,
    article_list,
    articles_for_review_list,
)
from annotations.selectors.events import article_events_after, article_events_latest
from annotations.selectors.items import (
    empty_item_counts,
    item_counts,
    item_list,
    items_assigned_counts,
    items_of_article,
    live_item_at,
    review_queue,
)
from annotations.selectors.reviews import (
    agreement_units,
    item_history,
    items_as_seen_by,
    items_with_status_among,
    reviews_visible_to,
    status_visible_to,
)

__all__ = [
    "ARTICLE_LIST_SORTS",
    "agreement_units",
    "article_detail",
    "article_events_after",
    "article_events_latest",
    "article_list",
    "articles_for_review_list",
    "empty_item_counts",
    "item_counts",
    "item_history",
    "item_list",
    "items_as_seen_by",
    "items_assigned_counts",
    "items_of_article",
    "items_with_status_among",
    "live_item_at",
    "review_queue",
    "reviews_visible_to",
    "status_visible_to",
]
