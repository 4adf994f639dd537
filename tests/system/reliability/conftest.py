"""Fixtures of the fault tests: a private PostgreSQL cluster per session, a private stack per test.

The cluster is made once (initdb, then ``manage.py migrate`` into a template database, about
ten seconds); each test copies the template into a database of its own (``CREATE DATABASE ...
TEMPLATE``, under a second) and gets its own Redis. Without the server binaries the tests are
skipped with the reason, or fail when ``FACTCHECK_REQUIRE_REAL_STACK=1`` (CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.faults.stack import ROOT, FaultStack, PrivatePostgres, missing_binaries

TEMPLATE_DB = "factcheck_template"


@pytest.fixture(scope="session")
def private_postgres():
    missing = missing_binaries()
    if missing:
        message = "fault tests need " + "; ".join(missing)
        if os.environ.get("FACTCHECK_REQUIRE_REAL_STACK") == "1":
            pytest.fail(message + " (FACTCHECK_REQUIRE_REAL_STACK=1)")
        pytest.skip(message)
    postgres = PrivatePostgres()
    try:
        postgres.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
        with tempfile.TemporaryDirectory(prefix="factcheck-migrate-") as var_dir:
            env = {**os.environ, "DATABASE_URL": postgres.url(TEMPLATE_DB), "FACTCHECK_VAR_DIR": var_dir}
            result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"migrate on the private cluster failed:\n{result.stdout}\n{result.stderr}"
        yield postgres
    finally:
        postgres.destroy()


@pytest.fixture
def fault_stack(private_postgres, request):
    """A stack of this test's own: database, Redis, and the workers and beat it starts."""
    name = "fc_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    workdir = Path(tempfile.mkdtemp(prefix="factcheck-fault-"))
    stack = FaultStack(private_postgres, TEMPLATE_DB, name, workdir)
    yield stack
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        print(stack.logs())
    stack.destroy()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the fixture can print logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
