"""Blind mode (``Article.blind_review``), written once: who may see the other reviewers' verdicts.

A reader sees the others' reviews of an item, and everything that tells their verdicts (their
review events, the status changes those caused, an editor's resolution events, the item's
place in agreement figures), when

1. the article is not in blind mode, or
2. the reader is an editor, or
3. the reader has reviewed the item themselves (any review of theirs, current or superseded).

Otherwise the reader sees their own reviews only: a reviewer forms a view before learning the
others'. The selectors and exports supply the three facts; ``sees_others_reviews`` takes them
in that order and asks a later one only when the earlier ones did not decide, because the last
two may cost a query. A query over many items states the same rule in SQL with
``others_reviews_shown``. No database access here.

The item's status tells the verdicts as plainly as the reviews do (it is what they, and an
editor's resolution of them, made it), so it follows the same rule, with one more case: once
the article is published its verdicts are public (its ClaimReview releases them), and its
status is shown to every reader. A reader the rule keeps from the verdicts is shown the item as
``unverified`` (``STATUS_HIDDEN``), with no ``status_changed_at`` and no resolution, wherever
the status appears: the item, lists and their status filter and ordering, counts, exports,
the pages, the item's ClaimReview. ``unverified`` rather than a fourth value: for that reader
the item is unverified (no verdict they may know of), and every client, count bucket and
filter already knows the three statuses. ``sees_status`` decides for one item,
``status_shown`` is the same rule in SQL, and ``verdict_fields_as_shown`` writes what the
reader sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

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


# The status a reader kept from the verdicts is shown, and what every field the verdicts set
# reads as for them (the Item's field names).
STATUS_HIDDEN = "unverified"
VERDICT_FIELDS_HIDDEN: dict[str, Any] = {
    "status": STATUS_HIDDEN,
    "status_changed_at": None,
    "resolution_status": "",
    "resolution_note": "",
    "resolved_at": None,
}


def sees_status(
    *, blind: bool, published: bool, is_editor: Callable[[], bool], has_reviewed: Callable[[], bool]
) -> bool:
    """Whether the reader may see the item's status (and its resolution): they may see the
    others' reviews, or the article is published."""
    return published or sees_others_reviews(blind=blind, is_editor=is_editor, has_reviewed=has_reviewed)


def status_shown(*, blind: str, published_at: str, has_reviewed: Exists | None) -> Q:
    """``sees_status`` as a filter over items: true of a row whose status the reader may see.

    ``blind`` and ``published_at`` are the lookups of the article's ``blind_review`` and
    ``published_at`` from the rows filtered; ``has_reviewed`` as for ``others_reviews_shown``
    (None for a reader who reviews nothing). Rule 2 is decided before the query, as there.
    """
    shown = Q(**{blind: False}) | Q(**{f"{published_at}__isnull": False})
    return shown | has_reviewed if has_reviewed is not None else shown


def status_among(statuses: Iterable[str], *, shown: Q) -> Q:
    """Items whose status *as shown* is one of ``statuses``: their own where ``shown`` holds,
    ``STATUS_HIDDEN`` elsewhere. ``status__in`` stays a plain condition, so the status index
    still serves it."""
    wanted = list(statuses)
    matching = Q(status__in=wanted) & shown
    return matching | ~shown if STATUS_HIDDEN in wanted else matching


def verdict_fields_as_shown(fields: dict[str, Any], *, shown: bool) -> dict[str, Any]:
    """``fields`` (an item written out) as the reader sees it: as it is, or with every field
    the verdicts set that it holds replaced by its ``VERDICT_FIELDS_HIDDEN`` value."""
    if shown:
        return fields
    return {**fields, **{name: value for name, value in VERDICT_FIELDS_HIDDEN.items() if name in fields}}


def statuses_differ_by_reader(*, blind: bool, published: bool) -> bool:
    """Whether two readers of the article may be shown different statuses of its items (so an
    answer about it made for one reader is not one to keep for the others)."""
    return blind and not published
