"""What the benchmarks share: a scratch PostgreSQL database, a gunicorn server, wrk, Django setup."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WRK_DIR = ROOT / "benchmarks" / "wrk"
# Names of the databases a benchmark may drop and create again (never the service's own).
SCRATCH_DATABASES = ("factcheck_bench", "factcheck_desk_bench")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in ``url``, then migrate it."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(SCRATCH_DATABASES):
        raise SystemExit(f"Refusing to drop {name!r}: benchmark databases are named {' or '.join(SCRATCH_DATABASES)}*.")
    admin_url = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", database_url=url)


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    env.update(extra)
    return env


def manage(*args: str, database_url: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=bench_env(database_url), check=True,
                   stdout=subprocess.DEVNULL)


def django_setup(database_url: str) -> None:
    """Configure Django in this process against the benchmark database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int, **env: str) -> Iterator[str]:
    """A gunicorn server of the service (benchmark URLconf) on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--backlog", "2048"],
        cwd=ROOT, env=bench_env(database_url, **env),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up within {timeout:.0f} s")


def wrk(base: str, script: str, *, seconds: int, connections: int, threads: int = 2, **env: str) -> dict:
    """Run wrk with one of benchmarks/wrk/*.lua (plus the shared reporter); returns its figures."""
    source = (WRK_DIR / script).read_text() + "\n" + (WRK_DIR / "report.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(source)
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", handle.name, base],
            env={**os.environ, "BENCH_THREADS": str(threads), **env}, capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(handle.name)
    line = next(line for line in reversed(out.stdout.splitlines()) if line.startswith("{"))
    return json.loads(line)


def save(name: str, figures: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


@dataclasses.dataclass(frozen=True)
class AsgiServer:
    """A running uvicorn process: its HTTP base URL, its WebSocket base URL and its pid (for its RSS)."""

    base: str
    ws_base: str
    pid: int


@contextlib.contextmanager
def uvicorn(database_url: str, *, log_path: Path | None = None, **env: str) -> Iterator[AsgiServer]:
    """One uvicorn process serving ``factcheck.asgi`` (HTTP and WebSocket) with the benchmark
    settings on a free port. With ``log_path`` its log, access lines included, goes there."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "factcheck.asgi:application", "--host", "127.0.0.1",
               "--port", str(port)]
    if log_path is None:
        command += ["--log-level", "warning", "--no-access-log"]
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(log_path, "w")) if log_path else subprocess.DEVNULL
        process = subprocess.Popen(command, cwd=ROOT, env=bench_env(database_url, **env), stdout=log,
                                   stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/healthz")
            yield AsgiServer(base=base, ws_base=f"ws://127.0.0.1:{port}", pid=process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # still finishing the sockets' work: the figures are taken
                process.kill()
                process.wait(timeout=10)


def rss_kib(pid: int) -> int:
    """The resident set of process ``pid`` in KiB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no VmRSS line: is {pid} a live process?")


def cpu_seconds(pid: int, *, with_children: bool = False) -> float:
    """CPU time (user + system) used so far by ``pid``, and by its live children if asked."""
    pids = [pid]
    if with_children:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                pids += [int(child) for child in (task / "children").read_text().split()]
    ticks = 0
    for one in pids:
        with contextlib.suppress(OSError):
            # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from ``/proc/stat``: two readings give the busy share."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)
