"""Fixtures shared by the whole suite.

Roles exist because a migration creates them; these fixtures give each test an account of
the role it exercises and an API client logged in with that account's token.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.support import attacks


def _client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role="viewer")


@pytest.fixture
def editor_client(editor) -> APIClient:
    return _client_for(editor)


@pytest.fixture
def reviewer_client(reviewer) -> APIClient:
    return _client_for(reviewer)


@pytest.fixture
def viewer_client(viewer) -> APIClient:
    return _client_for(viewer)


@pytest.fixture
def anonymous_client() -> APIClient:
    return APIClient()


@pytest.fixture
def published_jobs(monkeypatch) -> list[int]:
    """Stand in for the broker: record the job ids that would have been published.

    The broker is outside the project; unit tests check *that* a job is published after
    commit, the integration tests check that a real worker consumes it.
    """
    published: list[int] = []

    def send_task(name, args=None, **kwargs):
        published.append(args[0] if args else name)  # a task without arguments: its name

    from factcheck.celery import app

    monkeypatch.setattr(app, "send_task", send_task)
    return published


@pytest.fixture
def stack_name() -> str:
    """The stack under test; fails when FACTCHECK_REQUIRE_REAL_STACK=1 and it is not PostgreSQL + Redis."""
    on_real_stack = connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis")
    if os.environ.get("FACTCHECK_REQUIRE_REAL_STACK") == "1" and not on_real_stack:
        pytest.fail(
            "FACTCHECK_REQUIRE_REAL_STACK=1 but the suite runs on "
            f"{connection.vendor} + {settings.CELERY_BROKER_URL.split(':')[0]}; "
            "set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://..."
        )
    return "postgresql+redis" if on_real_stack else f"{connection.vendor}+{settings.CELERY_BROKER_URL.split(':')[0]}"


# --- The attack table (tests/support/attacks.py): each @pytest.mark.attack test's outcome -----
_attack_outcomes: list[dict] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("attack")
    if marker is None or report.when != "call":
        return
    area, attack, answer = marker.args
    _attack_outcomes.append(
        attacks.outcome_record(nodeid=item.nodeid, area=area, attack=attack, answer=answer, passed=report.passed)
    )


def pytest_sessionfinish(session, exitstatus):
    attacks.results_merge(_attack_outcomes)
