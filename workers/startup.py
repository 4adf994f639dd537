"""Worker start: load and check the claim models before the worker takes a single task.

Connected to Celery's ``worker_init`` (the main process, before the pool forks) by
``workers.apps``: a missing or corrupt model file stops the worker at start with
``ClaimModelUnavailable`` naming the file, instead of failing every job later. The pool
processes inherit the loaded models, so each worker loads them once.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from workers.extraction import ClaimModelUnavailable, get_scorer

logger = logging.getLogger(__name__)


def load_claim_models(**kwargs) -> None:
    """Load the claim scorer of ``settings.CLAIMS_MODE``; stop the process if its models cannot be used.

    ``SystemExit``, not the error itself: Celery logs and swallows an ``Exception`` raised by a
    signal handler and would start the worker anyway.
    """
    started = time.perf_counter()
    try:
        scorer = get_scorer(settings.CLAIMS_MODE)
    except (ClaimModelUnavailable, ValueError) as exc:
        logger.critical("The worker cannot score claims: %s", exc)
        raise SystemExit(f"The worker cannot score claims: {exc}") from exc
    logger.info("Claim models loaded in %.2f s: %s", time.perf_counter() - started, scorer.version)
