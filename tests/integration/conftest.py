"""Fixtures of the integration tests, which talk to real servers and processes."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection


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
