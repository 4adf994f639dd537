"""PostgreSQL connection settings that the planner depends on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_each_postgresql_connection_prices_random_reads_for_ssd():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_a_random_page_cost_that_is_not_a_number_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "DATABASE_RANDOM_PAGE_COST": "1 -c statement_timeout=1",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number" in result.stderr
