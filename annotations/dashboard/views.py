"""The admin's dashboard page: the kept desk-wide figures and the live extraction queue.

The page is the one place that decides to recompute the desk figures on a read: when the kept
row is missing, more than two refresh intervals old (beat or the workers are down) or of an
older format, or when a staff member asks ("Recompute now").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from annotations.dashboard.charts import bar_chart, duration_text
from annotations.dashboard.figures import checked_before, queue_health
from annotations.dashboard.snapshot import desk_snapshot_current, desk_snapshot_refresh
from annotations.models import DashboardSnapshot

# The statuses the "by status" charts show, in this order; each is also the bar's CSS class.
STATUS_BARS = ["unverified", "correct", "disputed"]


@require_http_methods(["GET", "HEAD", "POST"])
def admin_dashboard(request: HttpRequest) -> HttpResponse:
    """The admin's dashboard (wrapped in ``admin.site.admin_view`` by the URL map: staff only,
    and CSRF-checked).

    POST ("Recompute now") recomputes the desk-wide figures and keeps them, then redirects to the
    page, so reloading it does not recompute again. GET shows the kept figures, computing and
    keeping them first when they are not current.
    """
    if request.method == "POST":
        snapshot = desk_snapshot_refresh()
        messages.success(
            request, f"Desk figures recomputed in {duration_text(dt.timedelta(seconds=snapshot.seconds))}."
        )
        return redirect(request.path)
    site_context = admin.site.each_context(request)
    now = timezone.now()
    snapshot = desk_snapshot_current(now=now)
    if snapshot is None:
        snapshot = desk_snapshot_refresh(now=now)
    context = {**site_context, "title": "Dashboard", **dashboard_context(snapshot=snapshot, now=now)}
    return render(request, "admin/annotations/dashboard.html", context)


def dashboard_context(*, snapshot: DashboardSnapshot, now: dt.datetime) -> dict[str, object]:
    """Everything the dashboard template shows: ``snapshot``'s desk-wide figures, as kept, and the
    extraction queue read live at ``now``."""
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
        "checked_before": checked_before(),
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
            "claims": bar_chart("Claims by status", [(s, statuses["claim"][s]) for s in STATUS_BARS], STATUS_BARS),
            "quotes": bar_chart("Quotes by status", [(s, statuses["quote"][s]) for s in STATUS_BARS], STATUS_BARS),
            "backlog_age": bar_chart("Unverified backlog by age", backlog["by_age"]),
            "backlog_score": bar_chart("Unverified backlog by score", backlog["by_score"]),
            "reviewers_30": bar_chart(
                "Reviews per reviewer, last 30 days", [(r["reviewer"], r["last_30_days"]) for r in reviewers[:15]]
            ),
        },
    }
