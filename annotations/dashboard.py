"""The desk's dashboard: aggregate reads over items, reviews and extraction jobs.

Every figure is one grouped or conditional aggregate that an index answers (see migration
``0006_dashboard``), so computing them costs the same dozen queries with a thousand items or a
million. Nothing here loads rows to count them in Python.

The desk-wide figures (items by status, backlog, time to verdict, reviewers, disagreement)
read a large share of the tables by design: at a million items they take most of a second.
They are kept in a ``DashboardSnapshot`` row that a periodic task recomputes every
``DASHBOARD_REFRESH_SECONDS``; the page reads that row, and computes it itself when it is
missing, older than two intervals (beat or the workers down) or of an older format, or when a
staff member asks ("Recompute now"). The extraction queue's figures are cheap and always live.

"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet
from django.utils import timezone

from annotations.models import DashboardSnapshot, ExtractionJob, Item, Review, WorkerHeartbeat

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


def unverified_backlog(*, now: dt.datetime) -> dict[str, list[tuple[str, int]]]:
    """The unverified, live backlog by age and by score: ``{"by_age": [(label, n)], "by_score": [...]}``.

    One conditional aggregate over the review queue's partial index (unverified, not dismissed),
    which holds score and created_at, so PostgreSQL answers it with an index-only scan.
    """
    backlog = Item.objects.filter(status=Item.Status.UNVERIFIED, dismissed=False)
    aggregates = {}
    lower = None
    for index, (_label, upper) in enumerate(AGE_BUCKETS):
        # Younger than ``upper`` and at least as old as the previous bucket's bound.
        condition = Q()
        if upper is not None:
            condition &= Q(created_at__gt=now - upper)
        if lower is not None:
            condition &= Q(created_at__lte=now - lower)
        aggregates[f"age{index}"] = Count("id", filter=condition)
        lower = upper
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
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    stale_after = dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_INTERVAL_SECONDS)
    return {
        "jobs": by_status,
        "oldest_queued_age": now - oldest["oldest"] if oldest["oldest"] else None,
        "latency_p50": latency[0.5],
        "latency_p95": latency[0.95],
        "heartbeat": heartbeat,
        "heartbeat_age": now - heartbeat.seen_at if heartbeat else None,
        # Three missed beats in a row: no worker is consuming the queue (or beat is down).
        "heartbeat_stale": heartbeat is None or now - heartbeat.seen_at > stale_after,
    }


@dataclass
class Bar:
    """One bar of a server-rendered SVG chart; ``width`` is a percentage of the longest bar."""

    label: str
    value: int
    width: float
    css_class: str = ""


@dataclass
class Chart:
    title: str
    bars: list[Bar] = field(default_factory=list)

    @property
    def height(self) -> int:
        return 24 * len(self.bars) + 4


def bar_chart(title: str, values: list[tuple[str, int]], css_classes: list[str] | None = None) -> Chart:
    """Scale ``(label, value)`` pairs to bar widths for the dashboard's inline SVG."""
    longest = max((value for _label, value in values), default=0) or 1
    classes = css_classes or [""] * len(values)
    return Chart(
        title=title,
        bars=[
            Bar(label=label, value=value, width=round(100 * value / longest, 1), css_class=css_class)
            for (label, value), css_class in zip(values, classes, strict=True)
        ],
    )


def duration_text(duration: dt.timedelta | None) -> str:
    """A duration as a person reads it: "850 ms", "42 s", "7 min", "5.5 h", "3.2 days"."""
    if duration is None:
        return "-"
    seconds = duration.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


# The shape of ``DashboardSnapshot.figures``. Bump it when that shape changes: a row written by
# the previous code is then recomputed instead of read (a deploy never shows half-known figures).
DESK_FIGURES_FORMAT = 1


def desk_figures_compute(*, now: dt.datetime) -> dict[str, object]:
    """The desk-wide figures as plain JSON values, exactly as ``DashboardSnapshot.figures`` keeps them.

    Tuples become lists and the median time to verdict is whole microseconds, so the figures
    shown right after a refresh and those read back from the row later are the same values.
    """
    verdict_time = time_to_verdict()
    median = verdict_time["median"]
    figures = {
        "format": DESK_FIGURES_FORMAT,
        "items": items_by_status(),
        "backlog": unverified_backlog(now=now),
        "time_to_verdict": {
            "median_microseconds": median // dt.timedelta(microseconds=1) if median is not None else None,
            "items": verdict_time["items"],
        },
        "reviewers": reviews_per_reviewer(now=now),
        "disagreement": disagreement(),
    }
    # Through JSON once here: a value JSON cannot hold fails now, not when the row is read back.
    return json.loads(json.dumps(figures, allow_nan=False))


def desk_snapshot_refresh(*, now: dt.datetime | None = None) -> DashboardSnapshot:
    """Compute the desk-wide figures and keep them in the snapshot row, in place of the last ones.

    Safe to run at the same time from beat's task, a page and "Recompute now", on PostgreSQL
    and SQLite: the row is written by one upsert (``INSERT ... ON CONFLICT DO UPDATE``), which
    the database serialises on the row; the last to finish is kept, and its ``computed_at``
    says how old it is.
    """
    now = now or timezone.now()
    started = time.perf_counter()
    figures = desk_figures_compute(now=now)
    snapshot = DashboardSnapshot(
        pk=DashboardSnapshot.ROW, computed_at=now, seconds=time.perf_counter() - started, figures=figures
    )
    DashboardSnapshot.objects.bulk_create(
        [snapshot], update_conflicts=True, unique_fields=["id"], update_fields=["computed_at", "seconds", "figures"]
    )
    return snapshot


def desk_snapshot_is_current(snapshot: DashboardSnapshot, *, now: dt.datetime) -> bool:
    """Whether the page may show ``snapshot``: written by this code's format, and younger than two
    refresh intervals (one refresh may be late or lost; two missed means beat or the workers are
    down, and the page then computes the figures itself)."""
    oldest = now - dt.timedelta(seconds=2 * settings.DASHBOARD_REFRESH_SECONDS)
    return snapshot.figures.get("format") == DESK_FIGURES_FORMAT and snapshot.computed_at >= oldest


def desk_snapshot(*, now: dt.datetime) -> DashboardSnapshot:
    """The kept desk-wide figures if they are current (one primary-key read), else computed now and kept."""
    snapshot = DashboardSnapshot.objects.filter(pk=DashboardSnapshot.ROW).first()
    if snapshot is not None and desk_snapshot_is_current(snapshot, now=now):
        return snapshot
    return desk_snapshot_refresh(now=now)


def dashboard_figures(*, now: dt.datetime | None = None) -> dict[str, object]:
    """Everything the admin dashboard shows: the kept desk-wide figures and the live extraction queue."""
    now = now or timezone.now()
    snapshot = desk_snapshot(now=now)
    desk = snapshot.figures
    statuses = desk["items"]
    backlog = desk["backlog"]
    reviewers = desk["reviewers"]
    median = desk["time_to_verdict"]["median_microseconds"]
    verdict_time = {
        "median": dt.timedelta(microseconds=median) if median is not None else None,
        "items": desk["time_to_verdict"]["items"],
    }
    queue = queue_health(now=now)
    status_classes = ["unverified", "correct", "disputed"]
    return {
        "now": now,
        "desk_as_of": snapshot.computed_at,
        "desk_seconds": snapshot.seconds,
        "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        "items": statuses,
        "backlog": backlog,
        "backlog_total": sum(n for _label, n in backlog["by_age"]),
        "time_to_verdict": verdict_time,
        "reviewers": reviewers,
        "disagreement": desk["disagreement"],
        "queue": queue,
        "durations": {
            # A worker's clock a little ahead of this one's must not read "-5 ms ago".
            "desk_age": duration_text(max(now - snapshot.computed_at, dt.timedelta(0))),
            "median_verdict": duration_text(verdict_time["median"]),
            "oldest_queued": duration_text(queue["oldest_queued_age"]),
            "latency_p50": duration_text(queue["latency_p50"]),
            "latency_p95": duration_text(queue["latency_p95"]),
            "heartbeat_age": duration_text(queue["heartbeat_age"]),
        },
        "charts": {
            "claims": bar_chart(
                "Claims by status", [(s, statuses["claim"][s]) for s in status_classes], status_classes
            ),
            "quotes": bar_chart(
                "Quotes by status", [(s, statuses["quote"][s]) for s in status_classes], status_classes
            ),
            "backlog_age": bar_chart("Unverified backlog by age", backlog["by_age"]),
            "backlog_score": bar_chart("Unverified backlog by score", backlog["by_score"]),
            "reviewers_30": bar_chart(
                "Reviews per reviewer, last 30 days", [(r["reviewer"], r["last_30_days"]) for r in reviewers[:15]]
            ),
        },
    }
