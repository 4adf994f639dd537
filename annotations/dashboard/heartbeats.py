"""Worker heartbeats: a periodic task run by a worker records that the queue is being consumed.

The dashboard's queue health (``figures.queue_health``) flags the queue when none is recent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from annotations.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, now: dt.datetime | None = None) -> WorkerHeartbeat:
    """Note that the worker ``hostname`` is alive and consuming the queue now (one row per host)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:255], defaults={"seen_at": now or timezone.now()}
    )
    return heartbeat
