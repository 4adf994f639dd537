"""Test-only Celery app: the service's app, with an engine that misbehaves on marked articles.

    celery -A tests.support.faults.poison_app worker ...

Production code has no test hooks: this module wraps ``workers.extraction.extract`` inside each
pool process of a worker started from the poison fault test. An article whose text holds one of
the markers of ``tests/support/faults/ingest.py`` crashes its process, hangs (past the soft or the
hard time limit) or raises; every other article is extracted by the real engine.
"""

from __future__ import annotations

import os
import signal
import time

from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init

from factcheck.celery import app
from tests.support.faults.ingest import POISON_MARKERS

__all__ = ["app"]


@worker_process_init.connect
def _poison_the_engine(**kwargs) -> None:
    import workers.extraction as engine

    real_extract = engine.extract

    def extract(text: str, **options):
        if POISON_MARKERS["crash"] in text:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in a C extension would
        if POISON_MARKERS["hang"] in text:
            time.sleep(3600)  # interrupted by the soft time limit
        if POISON_MARKERS["hang-hard"] in text:
            while True:  # swallows the soft time limit: only the hard limit ends it
                try:
                    time.sleep(3600)
                except SoftTimeLimitExceeded:
                    continue
        if POISON_MARKERS["raise"] in text:
            raise RecursionError("engine bug triggered by this article")
        return real_extract(text, **options)

    engine.extract = extract
