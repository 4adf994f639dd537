"""What the editors' desk dashboard counts, written once as conditions over items: the item
list filters (``annotations.api.filters``) use the same ones, so a figure and the list behind
it agree by construction.

- waiting for a second review: no editor's decision, at least one counting verdict (correct or
  disputed) among the current reviews, fewer than ``REVIEW_QUORUM``;
- decided on a day: status correct or disputed, set (``status_changed_at``) that day;
- unverified at the end of a day: created by then and not decided by then (an item's state as
  it stands now: one decided and later dismissed or reopened is judged by its present fields);
- a reviewer's open workload: assigned to them, unverified, not dismissed, not reviewed by them.

Days are calendar days of ``TIME_ZONE``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from annotations.models import Review

# Verdicts that count towards the quorum (``rules.policy``): an "unverified" verdict does not.
COUNTING_VERDICTS = ("correct", "disputed")


def counting_verdicts(item: str = "pk") -> Coalesce:
    """The number of current counting verdicts of the item whose id ``item`` names, as a
    subquery (0 for none): a column that neither joins nor groups the outer query."""
    per_item = (
        Review.objects.filter(item_id=OuterRef(item), is_current=True, verdict__in=COUNTING_VERDICTS)
        .order_by()
        .values("item_id")
        .annotate(n=Count("*"))  # COUNT(*): read off the partial index on current reviews
        .values("n")
    )
    return Coalesce(Subquery(per_item, output_field=IntegerField()), 0)


def waiting_second_review(*, per_item: bool) -> Q:
    """Items waiting for another reviewer: no editor's decision, at least one and fewer than
    ``REVIEW_QUORUM`` current counting verdicts.

    The same condition in two plans: ``per_item`` counts each item's verdicts in a subquery, for
    a few hundred items (one article, a page); otherwise every item's verdicts are grouped once
    (``waiting_second_review_ids``), for the whole desk, where a subquery per item would probe
    the reviews a million times.
    """
    if per_item:
        verdicts = counting_verdicts()
        return Q(resolution_status="") & Q(GreaterThanOrEqual(verdicts, 1)) & Q(
            LessThan(verdicts, settings.REVIEW_QUORUM)
        )
    return Q(resolution_status="", pk__in=waiting_second_review_ids())


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``day`` and of the day after, aware, in the desk's time zone."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def decided_on(day: dt.date) -> Q:
    """Items whose verdict (correct or disputed) was set on ``day``."""
    start, end = day_bounds(day)
    return Q(status__in=COUNTING_VERDICTS, status_changed_at__gte=start, status_changed_at__lt=end)


def unverified_at_end_of(day: dt.date) -> Q:
    """Items that existed at the end of ``day`` without a verdict set by then."""
    _start, end = day_bounds(day)
    decided_by_then = Q(status__in=COUNTING_VERDICTS, status_changed_at__lt=end)
    return Q(created_at__lt=end) & ~decided_by_then


def waiting_second_review_ids() -> QuerySet:
    """Ids of the items with at least one and fewer than ``REVIEW_QUORUM`` current counting
    verdicts: the current reviews grouped once per item."""
    return (
        Review.objects.filter(is_current=True, verdict__in=COUNTING_VERDICTS)
        .order_by()
        .values("item_id")
        # COUNT(*), not COUNT(id): the partial index on current reviews (item_id, verdict) then
        # answers the grouping alone (an index-only scan).
        .annotate(n=Count("*"))
        .filter(n__lt=settings.REVIEW_QUORUM)
        .values("item_id")
    )


def assigned_unreviewed(assignee_id: int | None) -> Q:
    """Items assigned to this user (``None``: to nobody), not dismissed, and (for a user) without
    a current review of theirs."""
    if assignee_id is None:
        return Q(assigned_to__isnull=True, dismissed=False)
    mine = Review.objects.filter(item_id=OuterRef("pk"), reviewer_id=assignee_id, is_current=True)
    return Q(assigned_to_id=assignee_id, dismissed=False) & ~Exists(mine)


def open_workload(assignee_id: int | None) -> Q:
    """A reviewer's open workload: ``assigned_unreviewed`` and still unverified."""
    return Q(status="unverified") & assigned_unreviewed(assignee_id)
