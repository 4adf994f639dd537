"""Blind mode (``Article.blind_review``), written once: who may see the other reviewers' verdicts.

A reader sees the others' reviews of an item, and everything that tells their verdicts (their
review events, the status changes those caused, the item's place in agreement figures), when

1. the article is not in blind mode, or
2. the reader is an editor, or
3. the reader has reviewed the item themselves (any review of theirs, current or superseded).

Otherwise the reader sees their own reviews only: a reviewer forms a view before learning the
others'. The selectors and exports supply the three facts; ``sees_others_reviews`` takes them
in that order and asks a later one only when the earlier ones did not decide, because the last
two may cost a query. A query over many items states the same rule in SQL with
``others_reviews_shown``. No database access here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from django.db.models import Exists, Q


class _Reviewed(Protocol):
    reviewer_id: int


R = TypeVar("R", bound=_Reviewed)


def sees_others_reviews(*, blind: bool, is_editor: Callable[[], bool], has_reviewed: Callable[[], bool]) -> bool:
    """Whether the reader may see other reviewers' verdicts on an item (the rule above).

    ``blind`` is the article's setting; ``is_editor`` and ``has_reviewed`` are asked only if
    needed, in that order.
    """
    return not blind or is_editor() or has_reviewed()


def reviews_shown(reviews: Iterable[R], *, reader_id: int, sees_others: bool) -> list[R]:
    """The reviews of one item the reader may see: all of them, or only the reader's own."""
    if sees_others:
        return list(reviews)
    return [review for review in reviews if review.reviewer_id == reader_id]


def others_reviews_shown(*, blind: str, has_reviewed: Exists) -> Q:
    """Rules 1 and 3 as a filter, for a query over the items of many articles.

    ``blind`` is the lookup of the article's ``blind_review`` from the rows filtered (e.g.
    ``"item__revision__article__blind_review"``); ``has_reviewed`` is true of a row whose item
    the reader reviewed (an ``Exists`` of their reviews). Rule 2 is decided before the query:
    an editor's query is not filtered.
    """
    return Q(**{blind: False}) | has_reviewed
