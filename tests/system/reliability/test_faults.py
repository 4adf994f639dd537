"""Faults against real PostgreSQL, Redis and Celery worker processes, and what the pipeline does.

Each test runs a batch through a private stack (see ``conftest.py``), breaks one thing in the
middle of it, and then checks the outcome against the engine itself: every article's stored
items must be exactly what the engine finds in its text, none missing, none extra, none
twice. The figures (lost, duplicated, recovered, seconds to recover) go to
``var/reliability/results.json``; ``python -m tests.support.faults.report`` renders them.

    .venv/bin/python -m pytest tests/system/reliability -m reliability -v
"""

from __future__ import annotations

import datetime as dt
import platform
import threading
import time

import pytest

from tests.support.faults.stack import FaultStack, record_figures, wait_until

pytestmark = pytest.mark.reliability

BATCH = 200
FAULT_AT = 50  # done jobs when the fault is injected: well inside the batch


def _base_figures(stack: FaultStack, verdict: dict, **extra) -> dict:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "postgresql": stack.postgres.version(),
        "redis": stack.redis.version(),
        "python": platform.python_version(),
        "timings": dict(FaultStack.TIMINGS),
        "articles": verdict["jobs"],
        "lost": len(verdict["not_done"]),
        "missing_items": verdict["missing_items"],
        "extra_items": verdict["extra_items"],
        "duplicated_items": verdict["duplicated_items"],
        "jobs_started_more_than_once": verdict["attempts_over_one"],
        **extra,
    }


def _assert_exactly_once(verdict: dict, stack: FaultStack) -> None:
    assert verdict["not_done"] == [], f"jobs not done: {verdict['errors']}\n{stack.logs()}"
    assert verdict["missing_items"] == 0 and verdict["extra_items"] == 0, (
        f"items differ from the engine's output on jobs {verdict['jobs_with_wrong_items'][:10]}"
    )
    assert verdict["duplicated_items"] == 0


class _HalfWrittenWatcher:
    """Polls, all through the fault, for a done job whose items are not all there.

    Each poll is one SQL statement (one snapshot); polls that fail because the database is down
    are counted, not treated as findings.
    """

    def __init__(self, stack: FaultStack, expected_counts: dict[int, int]) -> None:
        self.stack, self.expected_counts = stack, expected_counts
        self.snapshots = self.unanswered = 0
        self.half_written: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.half_written.update(self.stack.incomplete_done_jobs(self.expected_counts))
                self.snapshots += 1
            except Exception:  # noqa: BLE001 - the database is down: that poll saw nothing
                self.unanswered += 1
            self._stop.wait(0.05)

    def __enter__(self) -> _HalfWrittenWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def test_worker_killed_with_sigkill_mid_batch_every_article_extracted_exactly_once(fault_stack):
    stack = fault_stack
    stack.ingest(BATCH, tag="kill")
    stack.start_beat()
    worker = stack.start_worker(concurrency=2)

    def mid_task() -> bool:
        counts = stack.job_counts()
        return counts["done"] >= FAULT_AT and counts["running"] >= 1

    # Killed while the database shows a job running, i.e. in the middle of one (jobs take ms).
    wait_until(mid_task, timeout=90, interval=0.002, what=f"{FAULT_AT} done jobs and one running")
    worker.kill_hard()  # main process and pool children, mid-task
    at_kill = stack.job_counts()
    time.sleep(1.0)
    restarted = time.monotonic()
    stack.start_worker(concurrency=2)
    recover_seconds = wait_until(lambda: stack.finished(BATCH), timeout=120, what="every job finished")

    verdict = stack.verify()
    record_figures("worker_sigkill", _base_figures(
        stack, verdict, fault=f"after {at_kill['done']} of {BATCH} jobs: kill -9 of the worker (main process and "
        "pool children), a new worker 1 s later",
        in_flight_at_fault=at_kill["running"], not_done_at_fault=BATCH - at_kill["done"],
        recovered=BATCH - at_kill["done"], seconds_to_recover=round(recover_seconds, 1),
        seconds_measured_from="the new worker started",
    ))
    assert time.monotonic() - restarted < 120
    _assert_exactly_once(verdict, stack)


@pytest.mark.parametrize("how", ["flush", "restart"])
def test_redis_loses_every_message_mid_batch_the_sweep_recovers_every_job(fault_stack, how):
    stack = fault_stack
    stack.ingest(BATCH, tag=f"redis-{how}")
    stack.start_beat()
    stack.start_worker(concurrency=2)
    wait_until(lambda: stack.job_counts()["done"] >= FAULT_AT, timeout=90, what=f"{FAULT_AT} done jobs")

    if how == "flush":
        stack.redis.cli("flushall")  # every queued and unacknowledged message is gone
        description = "FLUSHALL on the broker"
    else:
        stack.redis.kill()  # SIGKILL, no persistence: the broker comes back empty
        time.sleep(2.0)
        stack.redis.start()
        description = "Redis killed with SIGKILL, started again empty 2 s later"
    at_fault = stack.job_counts()
    back = time.monotonic()
    recover_seconds = wait_until(lambda: stack.finished(BATCH), timeout=120, what="every job finished")

    verdict = stack.verify()
    record_figures(f"redis_{how}", _base_figures(
        stack, verdict, fault=f"after {at_fault['done']} of {BATCH} jobs: {description}",
        not_done_at_fault=BATCH - at_fault["done"], recovered=BATCH - at_fault["done"],
        seconds_to_recover=round(recover_seconds, 1), seconds_measured_from="Redis was back, empty",
    ))
    assert time.monotonic() - back < 120
    _assert_exactly_once(verdict, stack)


def test_postgresql_crash_and_restart_mid_batch_workers_recover_and_nothing_is_half_written(fault_stack):
    stack = fault_stack
    stack.ingest(BATCH, tag="pg-restart")
    expected_counts = {job_id: len(spans) for job_id, spans in stack.expected_items().items()}
    stack.start_beat()
    stack.start_worker(concurrency=2)
    wait_until(lambda: stack.job_counts()["done"] >= FAULT_AT, timeout=90, what=f"{FAULT_AT} done jobs")

    with _HalfWrittenWatcher(stack, expected_counts) as watcher:
        at_fault = stack.job_counts()
        stack.postgres.crash()  # immediate stop: open transactions are cut, clients disconnected
        time.sleep(2.0)
        stack.postgres.start()
        back = time.monotonic()
        recover_seconds = wait_until(lambda: stack.finished(BATCH), timeout=120, what="every job finished")

    verdict = stack.verify()
    record_figures("postgresql_restart", _base_figures(
        stack, verdict, fault=f"after {at_fault['done']} of {BATCH} jobs: PostgreSQL stopped in immediate mode,"
        " started again 2 s later; workers not touched",
        not_done_at_fault=BATCH - at_fault["done"], recovered=BATCH - at_fault["done"],
        seconds_to_recover=round(recover_seconds, 1), seconds_measured_from="PostgreSQL accepted connections again",
        half_written_done_jobs_seen=len(watcher.half_written), consistency_snapshots=watcher.snapshots,
    ))
    assert time.monotonic() - back < 120
    assert watcher.half_written == set(), f"done jobs seen without all their items: {sorted(watcher.half_written)}"
    assert watcher.snapshots > 20, "the watcher should have taken snapshots throughout"
    _assert_exactly_once(verdict, stack)


def test_poison_articles_fail_with_their_error_and_the_rest_of_the_queue_keeps_flowing(fault_stack):
    stack = fault_stack
    poisons = ["crash", "hang", "hang-hard", "raise"]
    total = 100
    stack.ingest(total, tag="poison", poison=",".join(poisons))
    poison_jobs = {
        kind: job_id
        for kind in poisons
        for (job_id,) in stack.query(
            "SELECT j.id FROM annotations_extractionjob j JOIN annotations_articlerevision r ON r.id = j.revision_id"
            " WHERE r.body LIKE %s",
            [f"%POISON-{kind.upper()}-MARKER%"],
        )
    }
    assert len(poison_jobs) == len(poisons)
    healthy = total - len(poisons)
    stack.start_beat()
    started = time.monotonic()
    stack.start_worker(app="tests.support.faults.poison_app", concurrency=3)

    healthy_seconds = wait_until(
        lambda: stack.job_counts()["done"] >= healthy, timeout=120, what="every healthy job done"
    )
    all_seconds = wait_until(lambda: stack.finished(total), timeout=150, what="the poison jobs to fail")

    rows = stack.query(
        "SELECT id, status, attempts, last_error, extract(epoch FROM finished_at - created_at)"
        " FROM annotations_extractionjob WHERE id = ANY(%s)",
        [list(poison_jobs.values())],
    )
    outcome = {job_id: (status, attempts, error, seconds) for job_id, status, attempts, error, seconds in rows}
    verdict = stack.verify()
    healthy_not_done = [job_id for job_id in verdict["not_done"] if job_id not in poison_jobs.values()]
    record_figures("poison_articles", _base_figures(
        stack, verdict, fault=f"{len(poisons)} poison articles among {total}: " + ", ".join(poisons),
        lost=len(healthy_not_done), healthy_articles=healthy,
        seconds_until_healthy_done=round(healthy_seconds, 1), seconds_until_all_finished=round(time.monotonic()
                                                                                              - started, 1),
        poison={kind: {"status": outcome[job_id][0], "attempts": outcome[job_id][1],
                       "seconds_from_ingest_to_failed": round(float(outcome[job_id][3] or 0), 1),
                       "error": outcome[job_id][2][:160]} for kind, job_id in poison_jobs.items()},
    ))
    assert all_seconds < 150

    assert healthy_not_done == [], f"healthy jobs not done: {verdict['errors']}"
    assert verdict["missing_items"] == 0 and verdict["extra_items"] == 0 and verdict["duplicated_items"] == 0
    for kind, job_id in poison_jobs.items():
        status, attempts, error, _seconds = outcome[job_id]
        assert status == "failed", f"poison {kind} should have failed, is {status}: {error}"
        assert attempts <= int(FaultStack.TIMINGS["EXTRACTION_MAX_ATTEMPTS"]), f"{kind}: {attempts} attempts"
    assert "took longer than 2 s" in outcome[poison_jobs["hang"]][2]
    assert "RecursionError: engine bug" in outcome[poison_jobs["raise"]][2]
    assert "Gave up after 3 attempts" in outcome[poison_jobs["crash"]][2]
    assert "Gave up after 3 attempts" in outcome[poison_jobs["hang-hard"]][2]
