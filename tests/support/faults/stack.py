"""Private servers and processes for the fault tests: a PostgreSQL cluster, Redis, workers, beat.

Everything here is started by the tests, on free ports under temporary directories, and only
these processes are ever killed or restarted: the shared PostgreSQL on 5432 and Redis on 6379
that other test runs use on the same machine are never touched.

- ``PrivatePostgres``: ``initdb`` + ``pg_ctl`` (run as the ``postgres`` user when we are root,
  since initdb refuses root), trust authentication on 127.0.0.1, durability traded for speed
  (``fsync=off``: a crash of the server process, which is what the tests do, loses nothing
  the operating system already has).
- ``PrivateRedis``: ``redis-server --save "" --appendonly no``: a restart loses every message,
  the worst case for the broker.
- ``ServiceProcess``: ``celery worker`` / ``celery beat`` (or ``uvicorn``) subprocesses in their
  own process group, so ``kill -9`` takes the main process and its pool children together (a
  crashed machine or container), and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RESULTS_PATH = Path(os.environ.get("FACTCHECK_RELIABILITY_RESULTS", ROOT / "var" / "reliability" / "results.json"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb, or the one on PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing_binaries() -> list[str]:
    """What the fault tests need and this machine lacks."""
    missing = []
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL server binaries (initdb, pg_ctl; apt-get install postgresql)")
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        missing.append("redis-server and redis-cli (apt-get install redis-server)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a 'postgres' user to run initdb as (it refuses root)")
    return missing


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.1, what: str = "") -> float:
    """Poll ``condition`` until true; returns the seconds it took. Fails with ``what`` on time-out."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"Gave up after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(interval)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port."""

    def __init__(self) -> None:
        self.bin = postgres_bin_dir()
        assert self.bin is not None, "PostgreSQL server binaries are not installed"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="factcheck-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return result

    @property
    def options(self) -> str:
        return (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Stop at once, as a crash would: no checkpoint, clients cut off mid-transaction."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def ready(self) -> bool:
        return self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def execute(self, sql: str, params: Iterable | None = None, *, database: str = "postgres") -> list[tuple]:
        with self.connect(database) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def version(self) -> str:
        return self.execute("SHOW server_version")[0][0]

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A throwaway Redis with no persistence: a restart empties it."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with open(self.workdir / f"redis-{self.port}.log", "a") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.workdir)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_until(self.ping, timeout=15, what=f"redis-server on port {self.port}")

    def cli(self, *args: str) -> str:
        result = subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10)
        return result.stdout.strip()

    def ping(self) -> bool:
        return self.cli("ping") == "PONG"

    def kill(self) -> None:
        """SIGKILL: the server and every message it held are gone."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def version(self) -> str:
        for line in self.cli("info", "server").splitlines():
            if line.startswith("redis_version:"):
                return line.split(":", 1)[1]
        return "?"

    def destroy(self) -> None:
        self.kill()


@dataclass
class ServiceProcess:
    """A ``python -m <module>`` subprocess (celery worker or beat, uvicorn) in its own process group,
    logging to a file."""

    args: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None)
    module: str = "celery"

    def start(self) -> ServiceProcess:
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, *self.args], cwd=ROOT, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def kill_hard(self) -> None:
        """``kill -9`` the whole group: the main process and its pool children, mid-task."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill_hard()

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def record_figures(name: str, figures: dict) -> None:
    """Merge one fault's figures into the results file that ``tests/support/faults/report.py`` renders."""
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(RESULTS_PATH.read_text())
    except (OSError, ValueError):
        results = {}
    results[name] = figures
    RESULTS_PATH.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


class FaultStack:
    """One test's stack: a database (copied from the migrated template), Redis, workers, beat.

    ``env`` is what every subprocess gets: the private servers, and deadlines short enough that
    recovery happens within seconds instead of minutes (the production defaults are minutes).
    """

    TIMINGS = {
        "EXTRACTION_SWEEP_INTERVAL_SECONDS": "2",
        "EXTRACTION_QUEUED_DEADLINE_SECONDS": "6",
        "EXTRACTION_RUNNING_DEADLINE_SECONDS": "6",
        "EXTRACTION_SOFT_TIME_LIMIT": "2",
        "EXTRACTION_TIME_LIMIT": "3",
        "EXTRACTION_MAX_ATTEMPTS": "3",
    }

    def __init__(self, postgres: PrivatePostgres, template: str, name: str, workdir: Path) -> None:
        self.postgres = postgres
        self.database = name
        self.workdir = workdir
        postgres.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.redis = PrivateRedis(workdir)
        self.processes: list[ServiceProcess] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": postgres.url(name),
            "CELERY_BROKER_URL": self.redis.url,
            "EXTRACTION_QUEUE": "extraction",
            "FACTCHECK_VAR_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "LOG_LEVEL": "INFO",
            **self.TIMINGS,
        }

    # --- processes ---------------------------------------------------------------------------
    def start_worker(self, *, app: str = "factcheck", concurrency: int = 2, name: str = "worker") -> ServiceProcess:
        label = f"{name}-{len(self.processes)}"
        worker = ServiceProcess(
            ["-A", app, "worker", "--queues", "extraction,webhooks", "--concurrency", str(concurrency),
             "--pool", "prefork", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
             "--hostname", f"{label}@%h"],
            self.env, self.workdir / f"{label}.log",
        ).start()
        self.processes.append(worker)
        return worker

    def start_beat(self) -> ServiceProcess:
        beat = ServiceProcess(
            ["-A", "factcheck", "beat", "--loglevel", "INFO", "--schedule", str(self.workdir / "beat-schedule")],
            self.env, self.workdir / "beat.log",
        ).start()
        self.processes.append(beat)
        return beat

    def start_asgi(self, *, port: int, env: dict[str, str] | None = None) -> ServiceProcess:
        """One uvicorn process serving ``factcheck.asgi`` (HTTP and the live desk's sockets) on ``port``."""
        asgi = ServiceProcess(
            ["factcheck.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"],
            {**self.env, "PYTHONUNBUFFERED": "1", **(env or {})}, self.workdir / f"asgi-{len(self.processes)}.log",
            module="uvicorn",
        ).start()
        self.processes.append(asgi)
        return asgi

    def ingest(self, count: int, *, tag: str, poison: str = "") -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "tests.support.faults.ingest", "--count", str(count), "--tag", tag,
             "--poison", poison],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ingestion failed: {result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.tail(2500)}" for p in self.processes)

    # --- what the database says --------------------------------------------------------------
    def query(self, sql: str, params: Iterable | None = None) -> list[tuple]:
        return self.postgres.execute(sql, params, database=self.database)

    def job_counts(self) -> dict[str, int]:
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        for status, count in self.query("SELECT status, count(*) FROM annotations_extractionjob GROUP BY status"):
            counts[status] = count
        return counts

    def job_counts_or_none(self) -> dict[str, int] | None:
        """Like ``job_counts``, ``None`` while the database does not answer."""
        try:
            return self.job_counts()
        except Exception:  # noqa: BLE001 - any connection failure means "not answering yet"
            return None

    def finished(self, total: int) -> bool:
        counts = self.job_counts_or_none()
        return counts is not None and counts["done"] + counts["failed"] >= total

    def expected_items(self) -> dict[int, set[tuple[str, int, int]]]:
        """Per job id: the spans the real engine finds in its revision's text, computed here, in-process."""
        from django.conf import settings

        from workers.extraction import extract

        options = {} if settings.CLAIM_SCORE_THRESHOLD is None else {"claim_threshold": settings.CLAIM_SCORE_THRESHOLD}
        expected = {}
        rows = self.query(
            "SELECT j.id, r.body, a.title FROM annotations_extractionjob j JOIN annotations_articlerevision r"
            " ON r.id = j.revision_id JOIN annotations_article a ON a.id = r.article_id"
        )
        for job_id, body, title in rows:
            result = extract(body, headline=title, **options)  # as the worker calls it
            expected[job_id] = {("claim", claim.start, claim.end) for claim in result.claims} | {
                ("quote", quote.start, quote.end) for quote in result.quotes
            }
        return expected

    def stored_items(self) -> dict[int, list[tuple[str, int, int]]]:
        """Per job id: the machine items stored on its revision (a list: duplicates would show)."""
        stored: dict[int, list[tuple[str, int, int]]] = {}
        rows = self.query(
            'SELECT j.id, i.kind, i.start, i."end" FROM annotations_extractionjob j JOIN annotations_item i'
            " ON i.revision_id = j.revision_id AND i.origin = 'machine'"
        )
        for job_id, kind, start, end in rows:
            stored.setdefault(job_id, []).append((kind, start, end))
        return stored

    def incomplete_done_jobs(self, expected_counts: dict[int, int]) -> list[int]:
        """Done jobs whose items are not all there, read in one snapshot (one statement)."""
        rows = self.query(
            "SELECT j.id, count(i.id) FROM annotations_extractionjob j LEFT JOIN annotations_item i"
            " ON i.revision_id = j.revision_id AND i.origin = 'machine' WHERE j.status = 'done' GROUP BY j.id"
        )
        return [job_id for job_id, count in rows if count != expected_counts.get(job_id, -1)]

    def verify(self) -> dict:
        """Compare every job's stored items with what the engine finds: lost, missing, extra, duplicated."""
        expected = self.expected_items()
        stored = self.stored_items()
        jobs = self.query("SELECT id, status, attempts, last_error FROM annotations_extractionjob")
        report = {"jobs": len(jobs), "not_done": [], "missing_items": 0, "extra_items": 0, "duplicated_items": 0,
                  "jobs_with_wrong_items": [], "attempts_over_one": 0, "errors": {}}
        for job_id, status, attempts, last_error in jobs:
            items = stored.get(job_id, [])
            if status != "done":
                report["not_done"].append(job_id)
                report["errors"][job_id] = f"{status}: {last_error}"
            report["attempts_over_one"] += attempts > 1
            report["duplicated_items"] += len(items) - len(set(items))
            missing = expected.get(job_id, set()) - set(items) if status == "done" else set()
            extra = set(items) - expected.get(job_id, set())
            report["missing_items"] += len(missing)
            report["extra_items"] += len(extra)
            if missing or extra:
                report["jobs_with_wrong_items"].append(job_id)
        return report

    def destroy(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.redis.destroy()
        with contextlib.suppress(Exception):
            self.postgres.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
