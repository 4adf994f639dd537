"""The desk-wide figures kept in one ``DashboardSnapshot`` row: computed, written, read back.

A periodic task (``workers.tasks.refresh_dashboard``) recomputes them every
``DASHBOARD_REFRESH_SECONDS``. ``desk_snapshot_current`` only reads: whoever finds no current
row (the admin page) decides to call ``desk_snapshot_refresh`` itself.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.conf import settings
from django.utils import timezone

from annotations.dashboard.figures import (
    disagreement,
    items_by_status,
    reviews_per_reviewer,
    time_to_verdict,
    unverified_backlog,
)
from annotations.dashboard.workload import daily_flow, open_workload_by_reviewer, waiting_second_by_kind
from annotations.models import DashboardSnapshot

# The shape of ``DashboardSnapshot.figures``. Bump it when that shape changes: a row written by
# the previous code is then recomputed instead of read (a deploy never shows half-known figures).
# 2: ``waiting_second``, ``workload`` and ``daily`` for the editors' desk page (/review/desk/).
DESK_FIGURES_FORMAT = 2


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
        "waiting_second": waiting_second_by_kind(),
        "workload": open_workload_by_reviewer(),
        "daily": daily_flow(now=now),
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



def desk_snapshot_current(*, now: dt.datetime) -> DashboardSnapshot | None:
    """The kept desk-wide figures if the page may show them (one primary-key read), else ``None``:
    the row is missing, more than two refresh intervals old, or of an older format."""
    snapshot = DashboardSnapshot.objects.filter(pk=DashboardSnapshot.ROW).first()
    if snapshot is not None and desk_snapshot_is_current(snapshot, now=now):
        return snapshot
    return None
