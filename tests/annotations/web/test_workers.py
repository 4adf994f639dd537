"""``/review/workers/``: whether the workers look down, by the dashboard's own heartbeat test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from annotations.dashboard.heartbeats import worker_heartbeat_record
from tests.factories import UserFactory

URL = "/review/workers/"


def _client(role: str | None) -> Client:
    client = Client()
    client.force_login(UserFactory(username=f"someone-{role}", role=role))
    return client


@pytest.mark.django_db
def test_no_heartbeat_ever_means_the_workers_look_down():
    response = _client("viewer").get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["workers_down"], body["last_seen"]) == (True, None)
    assert abs(dt.datetime.fromisoformat(body["now"]) - timezone.now()) < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_recent_heartbeat_means_up_and_three_missed_beats_mean_down(settings):
    settings.WORKER_HEARTBEAT_INTERVAL_SECONDS = 30
    seen = timezone.now() - dt.timedelta(seconds=60)
    worker_heartbeat_record(hostname="worker-1", now=seen)
    up = _client("reviewer").get(URL).json()

    worker_heartbeat_record(hostname="worker-1", now=timezone.now() - dt.timedelta(seconds=91))
    down = _client("editor").get(URL).json()

    assert (up["workers_down"], up["last_seen"]) == (False, seen.isoformat())
    assert down["workers_down"] is True


@pytest.mark.django_db
def test_the_desk_only_reads_it():
    assert Client().get(URL).status_code == 302  # to the login form
    assert _client(None).get(URL).status_code == 403
