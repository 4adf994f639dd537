"""The dashboard's figures: aggregate reads over items, reviews and extraction jobs. Reads only.

Every figure is one grouped or conditional aggregate that an index answers (see migration
``0006_dashboard``), so computing them costs the same dozen queries with a thousand items or a
million. Nothing here loads rows to count them in Python.

The desk-wide figures (items by status, backlog, time to verdict, reviewers, disagreement)
read a large share of the tables by design: at a million items they take most of a second, so
the page shows them from a kept snapshot (``annotations.dashboard.snapshot``). The extraction
queue's figures (``queue_health``) are cheap and always read live.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet

from annotations.dashboard.heartbeats import workers_heartbeat
from annotations.models import ClaimMatch, ExtractionJob, Item, Review

# Buckets of the unverified backlog. Ages are upper bounds; the last bucket is open-ended.
AGE_BUCKETS: list[tuple[str, dt.timedelta | None]] = [
    ("under 1 day", dt.timedelta(days=1)),
    ("1-7 days", dt.timedelta(days=7)),
    ("7-30 days", dt.timedelta(days=30)),
    ("over 30 days", None),
]
SCORE_BUCKETS: list[tuple[str, float, float]] = [
    ("0.0-0.2", 0.0, 0.2),
    ("0.2-0.4", 0.2, 0.4),
    ("0.4-0.6", 0.4, 0.6),
    ("0.6-0.8", 0.6, 0.8),
    ("0.8-1.0", 0.8, 1.01),  # 1.0 (items a reviewer added) belongs to the top bucket
]


class PercentileCont(models.Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY expr)``: one pass, no rows sent back."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        # A float formatted by us, never user input: safe to put in the SQL text.
        super().__init__(expression, fraction=f"{float(fraction):.4f}", **extra)


def duration_percentiles(
    queryset: QuerySet, *, start: str, end: str, fractions: list[float]
) -> dict[float, dt.timedelta | None]:
    """Percentiles of ``end - start`` over ``queryset``.

    PostgreSQL computes them in one aggregate. SQLite has no percentile function, so there each
    is the nearest-rank value read with ``ORDER BY ... LIMIT 1 OFFSET k`` (one query each, plus
    one count); that is the laptop default, where tables are small.
    """
    duration = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    if connection.vendor == "postgresql":
        row = queryset.aggregate(
            **{f"p{i}": PercentileCont(duration, f, output_field=DurationField()) for i, f in enumerate(fractions)}
        )
        return {f: row[f"p{i}"] for i, f in enumerate(fractions)}
    total = queryset.count()
    result: dict[float, dt.timedelta | None] = dict.fromkeys(fractions)
    if not total:
        return result
    ordered = queryset.annotate(duration=duration).order_by("duration").values_list("duration", flat=True)
    for fraction in fractions:
        rank = min(total - 1, max(0, round(fraction * total + 0.5) - 1))
        result[fraction] = ordered[rank]
    return result


def items_by_status() -> dict[str, dict[str, int]]:
    """``{"claim": {"unverified", "correct", "disputed", "live", "dismissed"}, "quote": {...}}``.

    ``live`` is every item not marked "not a claim"; dismissed items are counted apart.
    One grouped query, answered from the (kind, status, dismissed) index.
    """
    counts = {kind: {**dict.fromkeys(Item.Status.values, 0), "live": 0, "dismissed": 0} for kind in Item.Kind.values}
    rows = Item.objects.values_list("kind", "status", "dismissed").annotate(n=Count("*")).order_by()
    for kind, status, dismissed, n in rows:
        bucket = counts.setdefault(kind, {**dict.fromkeys(Item.Status.values, 0), "live": 0, "dismissed": 0})
        if dismissed:
            bucket["dismissed"] += n
        else:
            bucket[status] += n
            bucket["live"] += n
    return counts


def age_bucket_condition(index: int, *, now: dt.datetime) -> Q:
    """Items created within ``AGE_BUCKETS[index]`` at ``now``: younger than its bound and at least as
    old as the previous bucket's. The admin's age filter uses it too, so a list and a bar agree."""
    condition = Q()
    upper = AGE_BUCKETS[index][1]
    lower = AGE_BUCKETS[index - 1][1] if index else None
    if upper is not None:
        condition &= Q(created_at__gt=now - upper)
    if lower is not None:
        condition &= Q(created_at__lte=now - lower)
    return condition


def unverified_backlog(*, now: dt.datetime) -> dict[str, list[tuple[str, int]]]:
    """The unverified, live backlog by age and by score: ``{"by_age": [(label, n)], "by_score": [...]}``.

    One conditional aggregate over the review queue's partial index (unverified, not dismissed),
    which holds score and created_at, so PostgreSQL answers it with an index-only scan.
    """
    backlog = Item.objects.filter(status=Item.Status.UNVERIFIED, dismissed=False)
    aggregates = {
        f"age{index}": Count("id", filter=age_bucket_condition(index, now=now)) for index in range(len(AGE_BUCKETS))
    }
    for index, (_label, low, high) in enumerate(SCORE_BUCKETS):
        aggregates[f"score{index}"] = Count("id", filter=Q(score__gte=low, score__lt=high))
    aggregates["unscored"] = Count("id", filter=Q(score__isnull=True))
    row = backlog.aggregate(**aggregates)
    by_score = [(label, row[f"score{index}"]) for index, (label, _low, _high) in enumerate(SCORE_BUCKETS)]
    if row["unscored"]:
        by_score.append(("no score", row["unscored"]))
    return {
        "by_age": [(label, row[f"age{index}"]) for index, (label, _upper) in enumerate(AGE_BUCKETS)],
        "by_score": by_score,
    }


def time_to_verdict() -> dict[str, object]:
    """Median ``status_changed_at - created_at`` of items whose status is correct or disputed.

    ``{"median": timedelta | None, "items": n}``. Read off the partial index on reviewed items.
    """
    reviewed = Item.objects.filter(
        status__in=[Item.Status.CORRECT, Item.Status.DISPUTED], status_changed_at__isnull=False
    )
    median = duration_percentiles(reviewed, start="created_at", end="status_changed_at", fractions=[0.5])[0.5]
    return {"median": median, "items": reviewed.count() if median is not None else 0}


def reviews_per_reviewer(*, now: dt.datetime) -> list[dict[str, object]]:
    """Reviews submitted by each reviewer over the last 7 and 30 days, busiest first.

    Superseded reviews count too: each was a verdict someone worked out.
    """
    since_7, since_30 = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    # Grouped by id, not by username: without the join PostgreSQL counts straight off the
    # (created_at, reviewer_id) index; the names are one small query after.
    rows = list(
        Review.objects.filter(created_at__gt=since_30)
        .values("reviewer_id")
        .annotate(last_30_days=Count("id"), last_7_days=Count("id", filter=Q(created_at__gt=since_7)))
        .order_by()
    )
    names = dict(
        get_user_model().objects.filter(pk__in=[row["reviewer_id"] for row in rows]).values_list("pk", "username")
    )
    result = [
        {"reviewer": names.get(row["reviewer_id"], "?"), "last_7_days": row["last_7_days"],
         "last_30_days": row["last_30_days"]}
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["last_30_days"], row["reviewer"]))


def disagreement() -> dict[str, object]:
    """Items whose current reviews hold both correct and disputed, over items with two or more.

    ``{"items": n with 2+ current reviews, "disagreeing": n, "rate": float | None}``. One
    query: reviews grouped per item in a subquery, counted outside it.
    """
    per_item = (
        Review.objects.filter(is_current=True)
        .values("item_id")
        .annotate(
            reviews=Count("id"),
            correct=Count("id", filter=Q(verdict=Item.Status.CORRECT)),
            disputed=Count("id", filter=Q(verdict=Item.Status.DISPUTED)),
        )
        .filter(reviews__gte=2)
        .order_by()
    )
    row = per_item.aggregate(
        items=Count("item_id"), disagreeing=Count("item_id", filter=Q(correct__gt=0, disputed__gt=0))
    )
    items = row["items"] or 0
    disagreeing = row["disagreeing"] or 0
    return {"items": items, "disagreeing": disagreeing, "rate": disagreeing / items if items else None}


def checked_before() -> dict[str, int]:
    """Items that matched an earlier fact-check (a match no reviewer rejected), and those a
    reviewer confirmed: ``{"claims": n, "confirmed": n}``, in one aggregate over the matches."""
    row = ClaimMatch.objects.aggregate(
        claims=Count("item_id", distinct=True, filter=~Q(feedback=ClaimMatch.Feedback.REJECTED)),
        confirmed=Count("item_id", distinct=True, filter=Q(feedback=ClaimMatch.Feedback.CONFIRMED)),
    )
    return {"claims": row["claims"] or 0, "confirmed": row["confirmed"] or 0}


def queue_health(*, now: dt.datetime) -> dict[str, object]:
    """Extraction jobs by status, the oldest queued job's age, latency over the last hour, heartbeat.

    Latency is ``finished_at - created_at`` of jobs done in the last hour: what an editor waits
    between posting an article and seeing its items.
    """
    by_status = dict.fromkeys(ExtractionJob.Status.values, 0)
    by_status.update(ExtractionJob.objects.values_list("status").annotate(n=Count("*")).order_by())
    oldest = ExtractionJob.objects.filter(status=ExtractionJob.Status.QUEUED).aggregate(oldest=Min("created_at"))
    recent_done = ExtractionJob.objects.filter(
        status=ExtractionJob.Status.DONE, finished_at__gt=now - dt.timedelta(hours=1)
    )
    latency = duration_percentiles(recent_done, start="created_at", end="finished_at", fractions=[0.5, 0.95])
    heartbeat, heartbeat_stale = workers_heartbeat(now=now)
    return {
        "jobs": by_status,
        "oldest_queued_age": now - oldest["oldest"] if oldest["oldest"] else None,
        "latency_p50": latency[0.5],
        "latency_p95": latency[0.95],
        "heartbeat": heartbeat,
        "heartbeat_age": now - heartbeat.seen_at if heartbeat else None,
        "heartbeat_stale": heartbeat_stale,
    }
