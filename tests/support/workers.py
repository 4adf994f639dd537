"""A real ``celery worker`` process for the tests, on the database and broker the suite uses."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for a worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextlib.contextmanager
def worker_process(*, queue: str, **extra_env: str) -> Iterator[None]:
    """Run a worker consuming only ``queue`` and the webhook queue (so no other worker takes the test's jobs).

    Deliveries share ``queue`` unless ``WEBHOOK_QUEUE`` names their own (as in production).
    Its log is printed if it did not stop cleanly, then removed.
    """
    webhook_queue = extra_env.get("WEBHOOK_QUEUE") or queue
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EXTRACTION_QUEUE": queue,
        "WEBHOOK_QUEUE": webhook_queue,
        "FACTCHECK_VAR_DIR": str(settings.VAR_DIR),
        **extra_env,
    }
    queues = ",".join(dict.fromkeys([queue, webhook_queue]))
    log_path = settings.VAR_DIR / f"{queue}.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--queues", queues, "--concurrency", "2",
             "--without-mingle", "--without-gossip", "--loglevel", "INFO", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.returncode not in (0, -signal.SIGTERM):
            print(log_path.read_text()[-3000:])
        log_path.unlink(missing_ok=True)
