"""The editors' desk figures over the whole desk: waiting for a second review, open workload per
reviewer, verdicts and backlog per day. Reads only; kept in the dashboard snapshot with the
admin's figures (``annotations.dashboard.snapshot``), since each reads a large share of the
items or reviews. Conditions come from ``annotations.selectors.workload``, as the item list
filters' do.

Counts are split by kind (``{"claim": n, "quote": n}``) because the list behind each is the
claims list or the quotes list. Counts are of the stored status: the page is for editors, who
see every verdict (``rules.visibility``, rule 2).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone

from annotations.models import Item, Review
from annotations.selectors.workload import COUNTING_VERDICTS, waiting_second_review

# How many days the throughput and backlog series cover, today included.
FLOW_DAYS = 30


def _by_kind(rows) -> dict[str, int]:
    counts = dict.fromkeys(Item.Kind.values, 0)
    counts.update(rows)
    return counts


def waiting_second_by_kind() -> dict[str, int]:
    """Live items waiting for a second review, by kind: one query, the reviews grouped per item
    once and joined to the items (no editor's decision, not dismissed)."""
    rows = (
        Item.objects.filter(waiting_second_review(per_item=False), dismissed=False)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _by_kind(rows)


def open_workload_by_reviewer() -> list[dict[str, object]]:
    """Each assignee's open workload (``selectors.workload.open_workload``) by kind, largest first,
    then the open items assigned to nobody (``"reviewer": None``). Three queries: the assigned
    items grouped by assignee without those the assignee reviewed (an anti-join), the
    unassigned ones, the names."""
    reviewed = Review.objects.filter(item_id=OuterRef("pk"), reviewer_id=OuterRef("assigned_to_id"), is_current=True)
    open_items = Item.objects.filter(status=Item.Status.UNVERIFIED, dismissed=False)
    assigned = (
        open_items.filter(assigned_to__isnull=False)
        .exclude(Exists(reviewed))
        .values_list("assigned_to_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_reviewer: dict[int, dict[str, int]] = {}
    for assignee_id, kind, n in assigned:
        per_reviewer.setdefault(assignee_id, dict.fromkeys(Item.Kind.values, 0))[kind] = n
    names = dict(get_user_model().objects.filter(pk__in=per_reviewer).values_list("pk", "username"))
    rows = [
        {"reviewer": names.get(assignee_id, "?"), "claim": counts["claim"], "quote": counts["quote"],
         "total": counts["claim"] + counts["quote"]}
        for assignee_id, counts in per_reviewer.items()
    ]
    rows.sort(key=lambda row: (-row["total"], row["reviewer"]))
    unassigned = open_items.filter(assigned_to__isnull=True).values_list("kind").annotate(n=Count("id")).order_by()
    nobody = _by_kind(unassigned)
    rows.append({"reviewer": None, **nobody, "total": nobody["claim"] + nobody["quote"]})
    return rows


def daily_flow(*, now: dt.datetime, days: int = FLOW_DAYS) -> list[dict[str, object]]:
    """The last ``days`` calendar days up to ``now``'s, oldest first: ``{"day": "YYYY-MM-DD",
    "decided": {kind: n}, "backlog": {kind: n}}``.

    ``decided``: live items whose verdict was set that day (``selectors.workload.decided_on``).
    ``backlog``: live items unverified at the end of that day (``unverified_at_end_of``), i.e.
    every item created by then less every item decided by then. Two grouped queries (items by
    creation day, decided items by verdict day), whatever the number of days.
    """
    zone = timezone.get_default_timezone()
    today = timezone.localdate(now, timezone=zone)
    window = [today - dt.timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    live = Item.objects.filter(dismissed=False)
    created = (
        live.annotate(day=TruncDate("created_at", tzinfo=zone)).values_list("kind", "day").annotate(n=Count("id"))
        .order_by()
    )
    decided = (
        live.filter(status__in=COUNTING_VERDICTS, status_changed_at__isnull=False)
        .annotate(day=TruncDate("status_changed_at", tzinfo=zone))
        .values_list("kind", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    created_rows, decided_rows = list(created), list(decided)
    decided_on_day = {(kind, day): n for kind, day, n in decided_rows}
    series = []
    for day in window:
        series.append(
            {
                "day": day.isoformat(),
                "decided": {kind: decided_on_day.get((kind, day), 0) for kind in Item.Kind.values},
                "backlog": {
                    kind: sum(n for k, d, n in created_rows if k == kind and d <= day)
                    - sum(n for k, d, n in decided_rows if k == kind and d <= day)
                    for kind in Item.Kind.values
                },
            }
        )
    return series
