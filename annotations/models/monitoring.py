"""Monitoring rows: worker heartbeats and the dashboard's kept snapshot of desk-wide figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the periodic heartbeat task, one row per worker host.

    Beat schedules the task on the extraction queue, so a fresh row proves the whole path
    (beat -> broker -> a worker -> database) works, not only that a process is alive.
    """

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DashboardSnapshot(models.Model):
    """The desk-wide figures as last computed: one row (``id`` 1), overwritten by each refresh.

    ``figures`` holds JSON values only (see ``desk_figures_compute``); ``computed_at`` is the
    moment the figures describe, which the page shows and judges staleness by.
    """

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW, editable=False)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long computing the figures took.")
    figures = models.JSONField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="dashboard_snapshot_one_row")]

    def __str__(self) -> str:
        return f"dashboard figures of {self.computed_at:%Y-%m-%d %H:%M:%S}"
