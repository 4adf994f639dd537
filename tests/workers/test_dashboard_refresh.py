"""Beat's dashboard refresh: the task keeps the desk-wide figures, beat schedules it on the queue
the workers consume, and an interval under a second is refused when the settings load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from annotations.dashboard.snapshot import DESK_FIGURES_FORMAT
from annotations.models import DashboardSnapshot, Item, Review
from tests.factories import ItemFactory, UserFactory, article_with_revision
from workers.tasks import refresh_dashboard

ROOT = Path(__file__).resolve().parent.parent.parent
BODY = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024."

# Prints the beat entry and the queue the task is routed to, as the settings make them.
SHOW_SCHEDULE = """
import json, django
django.setup()
from django.conf import settings
from factcheck.celery import app
app.loader.import_default_modules()
entry = settings.CELERY_BEAT_SCHEDULE["refresh-dashboard"]
queue = app.amqp.router.route({}, entry["task"])["queue"].name
print(json.dumps({**entry, "registered": entry["task"] in app.tasks, "queue": queue}))
"""


def _settings_process(code: str, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **environment}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.django_db
def test_refresh_task_computes_the_desk_figures_and_keeps_them_in_the_one_row():
    revision = article_with_revision(body=BODY).current_revision
    ItemFactory(revision=revision, start=0, length=12)
    disputed = ItemFactory(revision=revision, start=13, length=4, status=Item.Status.DISPUTED)
    Review.objects.create(item=disputed, reviewer=UserFactory(username="ana"), verdict="disputed")
    started = timezone.now()

    refresh_dashboard.apply().get()

    row = DashboardSnapshot.objects.get()
    assert row.pk == DashboardSnapshot.ROW
    assert started <= row.computed_at <= timezone.now()
    assert row.seconds >= 0
    assert row.figures["format"] == DESK_FIGURES_FORMAT
    assert row.figures["items"]["claim"] == {"unverified": 1, "correct": 0, "disputed": 1, "live": 2, "dismissed": 0}
    assert row.figures["reviewers"] == [{"reviewer": "ana", "last_7_days": 1, "last_30_days": 1}]

    ItemFactory(revision=revision, start=20, length=3, status=Item.Status.CORRECT)
    refresh_dashboard.apply().get()

    assert DashboardSnapshot.objects.count() == 1, "a refresh replaces the row, it does not add one"
    again = DashboardSnapshot.objects.get()
    assert again.computed_at > row.computed_at
    assert again.figures["items"]["claim"]["correct"] == 1


def test_beat_schedules_the_refresh_every_interval_on_the_workers_queue():
    result = _settings_process(SHOW_SCHEDULE, DASHBOARD_REFRESH_SECONDS="15", EXTRACTION_QUEUE="extraction")

    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["task"] == "workers.tasks.refresh_dashboard"
    assert entry["registered"] is True, "beat would send a task no worker knows"
    assert entry["schedule"] == 15.0
    assert entry["options"] == {"expires": 15.0}
    assert entry["queue"] == "extraction", "the refresh must go to the queue the workers consume"


@pytest.mark.parametrize("interval", ["0", "-5"])
def test_a_refresh_interval_under_one_second_is_refused_at_start(interval):
    result = _settings_process("import django; django.setup()", DASHBOARD_REFRESH_SECONDS=interval)

    assert result.returncode != 0
    assert f"DASHBOARD_REFRESH_SECONDS must be 1 or more, not {interval}" in result.stderr
