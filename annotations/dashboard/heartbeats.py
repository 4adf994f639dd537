"""Worker heartbeats: a periodic task run by a worker records that the queue is being consumed.

The dashboard's queue health (``figures.queue_health``) and the review page's extraction state
flag the queue when none is recent, both by ``workers_heartbeat``: one notion of "workers down".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from annotations.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, now: dt.datetime | None = None) -> WorkerHeartbeat:
    """Note that the worker ``hostname`` is alive and consuming the queue now (one row per host)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:255], defaults={"seen_at": now or timezone.now()}
    )
    return heartbeat


def workers_heartbeat(*, now: dt.datetime) -> tuple[WorkerHeartbeat | None, bool]:
    """The latest heartbeat of any worker, and whether it is stale (the workers look down).

    Stale means three missed beats in a row (or none ever): no worker is consuming the queue,
    or beat is down, which leaves the queue unconsumed just the same.
    """
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    stale_after = dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_INTERVAL_SECONDS)
    return heartbeat, heartbeat is None or now - heartbeat.seen_at > stale_after
