"""The desk under load (issue #16): 50 reviewers and 10 editors, each with a review page open.

    python -m benchmarks.desk_load [--seconds 60] [--users 60] [--idle-seconds 15] [--sockets 500]
                                   [--database-url postgres://postgres@127.0.0.1:5432/factcheck_desk_bench]

Seeds a scratch PostgreSQL database (``api_load.seed``: articles of about 800 words with their
claims, 50 reviewers with tokens, plus 10 editors), then serves HTTP from gunicorn (benchmark
URLconf) and WebSockets from one uvicorn process; both share the Redis channel layer (db 13)
and the read cache (db 14). The driver is one asyncio process: every user holds one socket on
one of a few articles (``follow`` from the article's latest position) and works in a closed loop
with exponential think time over HTTP with their token. Phases, each reported:

1. idle: pages open, nobody acts; the HTTP requests the servers logged meanwhile (expect 0);
2. desk: reads (article, its claims, the queue), reviews with If-Match, comments and (editors)
   assignments; per action latency, and for every write the time from its HTTP answer (the
   commit happened before it) and from its request to the matching event on every other page
   of the article, matched on (type, item, actor) in order;
3. reviews alone: the same users submit reviews with no think time, pages still open; then the
   same with every page closed (what telling the pages costs the writes);
4. many sockets: a fresh uvicorn process holds ``--sockets`` pages; its RSS before and after,
   and the delivery of a few changes to every one of them.

The driver shares the machine with the servers and the databases; its own CPU time and event
loop lag are reported beside the figures so a slow driver is seen, not mistaken for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import datetime
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis

from benchmarks import harness
from benchmarks.api_load import seed

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/factcheck_desk_bench"
DEFAULT_CHANNEL_LAYER = "redis://127.0.0.1:6379/13"
DEFAULT_CACHE = "redis://127.0.0.1:6379/14"
EDITORS = 10
REVIEWERS = 50
VERDICTS = ("correct", "disputed", "unverified")
# What a user does after each think time, by role: (action, weight).
REVIEWER_MIX = (("article", 15), ("claims", 15), ("queue", 20), ("review", 35), ("comment", 15))
EDITOR_MIX = (("article", 15), ("claims", 20), ("queue", 5), ("assign", 35), ("comment", 15), ("review", 10))
WRITES = {"review": "review", "comment": "comment", "assign": "assign"}  # action -> the event type it causes
DRAIN_SECONDS = 10.0  # after a phase, how long late events may still arrive before they count as missing


def percentiles(values: list[float], *, scale: float = 1000.0, digits: int = 1) -> dict:
    """count, p50, p95, p99 and max of ``values`` (nearest rank), multiplied by ``scale`` (s -> ms)."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))] * scale, digits)

    return {"count": len(ordered), "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99),
            "max": round(ordered[-1] * scale, digits)}


# --- HTTP: a minimal asyncio client (gunicorn's sync workers close every connection anyway) ---


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def parse_response(raw: bytes) -> Answer:
    """An HTTP/1.1 response read to the end of the connection: status, headers (lower case), body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks, rest = [], body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(chunks)
    return Answer(status=status, headers=headers, body=body)


class Http:
    """One request per connection, as a browser's page would make them to a sync gunicorn."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.requests = 0
        self.failures: list[str] = []

    async def call(self, method: str, path: str, *, token: str, body: dict | None = None,
                   if_match: str | None = None) -> Answer:
        payload = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Authorization: Token {token}",
                "Accept: application/json", "Connection: close", f"Content-Length: {len(payload)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        if if_match is not None:
            head.append(f"If-Match: {if_match}")
        self.requests += 1
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
                raw = await asyncio.wait_for(reader.read(-1), timeout=30)
            finally:
                writer.close()
            return parse_response(raw)
        except (OSError, TimeoutError, ValueError, IndexError) as exc:  # counted as status 0, never fatal
            self.failures.append(f"{method} {path}: {exc!r}")
            return Answer(status=0, headers={}, body=b"")


# --- push: which page expects which event, and when it came ---


@dataclasses.dataclass
class Write:
    """One change the driver made over HTTP, and the pages that should be told of it."""

    kind: str
    article: int
    item: int | None
    actor: str
    sent: float
    waiting: set[int]
    answered: float | None = None
    ok: bool | None = None
    arrivals: list[float] = dataclasses.field(default_factory=list)
    told: set[int] = dataclasses.field(default_factory=set)  # the pages it reached


class PushTracker:
    """Matches each event a page receives to the oldest write it has not yet been told of with
    the same (article, type, item, actor). One actor's writes are sequential (a closed loop) and
    a page gets events in position order, so the first such write still waiting is the one."""

    def __init__(self) -> None:
        self.pending: dict[tuple, collections.deque[Write]] = collections.defaultdict(collections.deque)
        self.writes: list[Write] = []
        self.unmatched: collections.Counter[str] = collections.Counter()
        self.own: collections.Counter[str] = collections.Counter()  # events of a page's own user's writes
        self.presence_sent: dict[tuple[int, str], tuple[object, float, set[int]]] = {}
        self.presence_latency: list[float] = []
        self.recording = True

    def expect(self, *, kind: str, article: int, item: int | None, actor: str, sent: float, pages: list[int]) -> Write:
        write = Write(kind=kind, article=article, item=item, actor=actor, sent=sent, waiting=set(pages))
        if self.recording:
            self.writes.append(write)
        self.pending[(article, kind, item, actor)].append(write)
        return write

    def answered(self, write: Write, *, at: float, ok: bool) -> None:
        write.answered, write.ok = at, ok
        if not ok:  # no event will come: stop waiting (an event already matched to it is a mismatch)
            queue = self.pending[(write.article, write.kind, write.item, write.actor)]
            with contextlib.suppress(ValueError):
                queue.remove(write)
            write.waiting.clear()

    def arrived(self, *, page: int, article: int, user: str, event: dict, at: float) -> None:
        key = (article, event.get("type"), event.get("item"), event.get("actor"))
        queue = self.pending.get(key)
        if queue:
            for write in queue:
                if page in write.waiting:
                    write.waiting.discard(page)
                    write.arrivals.append(at)
                    write.told.add(page)
                    while queue and not queue[0].waiting and queue[0].ok is not None:
                        queue.popleft()
                    return
        if event.get("actor") == user:  # the writer's own page is told too; not counted as a delivery
            self.own[str(event.get("type"))] += 1
        else:  # e.g. the status change a review caused: no write of the driver names it
            self.unmatched[str(event.get("type"))] += 1

    async def drain(self, timeout: float) -> float:
        """Wait until every successful write has reached every page it should (or ``timeout``)."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if not any(write.waiting for write in self.writes if write.ok):
                break
            await asyncio.sleep(0.1)
        return time.perf_counter() - started

    def presence_expect(self, *, article: int, user: str, item: object, sent: float, pages: list[int]) -> None:
        self.presence_sent[(article, user)] = (item, sent, set(pages))

    def presence_arrived(self, *, page: int, article: int, message: dict, at: float) -> None:
        for person in message.get("people", []):
            expected = self.presence_sent.get((article, person.get("user")))
            if expected and expected[0] == person.get("item") and page in expected[2]:
                expected[2].discard(page)
                if self.recording:
                    self.presence_latency.append(at - expected[1])

    def figures(self) -> dict:
        """Latency of every delivery of every successful write, and what never arrived."""
        done = [write for write in self.writes if write.ok]
        from_answer = [at - write.answered for write in done for at in write.arrivals]
        # A page told of a write that began after another write was answered, but never of that
        # other one, was skipped an event: its position is lower, so a prefix of the log holds it.
        latest_told: dict[int, float] = collections.defaultdict(lambda: float("-inf"))
        for write in done:
            for page in write.told:
                latest_told[page] = max(latest_told[page], write.sent)
        skipped = sum(1 for write in done for page in write.waiting if latest_told[page] > write.answered)
        from_send = [at - write.sent for write in done for at in write.arrivals]
        by_kind = {}
        for kind in sorted({write.kind for write in done}):
            mine = [write for write in done if write.kind == kind]
            by_kind[kind] = percentiles([at - write.answered for write in mine for at in write.arrivals])
        return {
            "writes": len(done),
            "deliveries": len(from_answer),
            "missing": sum(len(write.waiting) for write in done),
            "missing_though_a_later_write_arrived": skipped,
            "before_answer": sum(1 for value in from_answer if value < 0),
            "from_answer_ms": percentiles(from_answer),
            "from_request_ms": percentiles(from_send),
            "from_answer_ms_by_type": by_kind,
            "own_page_events": dict(self.own),
            "unmatched_events": dict(self.unmatched),
            "presence_from_send_ms": percentiles(self.presence_latency),
        }


# --- pages and users ---


class Page:
    """One open review page: a socket on an article that follows it from a position."""

    def __init__(self, number: int, article: int, user: str, token: str) -> None:
        self.number, self.article, self.user, self.token = number, article, user, token
        self.messages = 0
        self.events = 0
        self.close_code: int | None = None
        self.next = 0
        self.ready = asyncio.Event()
        self.socket = None
        self.task: asyncio.Task | None = None
        self.tracker: PushTracker | None = None
        self.closing = False  # set when the driver closes the page itself

    async def open(self, ws_base: str, tracker: PushTracker, *, after: int) -> None:
        from websockets.asyncio.client import connect

        # Compression is offered as browsers offer it; no client pings, as browsers send none.
        self.socket = await connect(
            f"{ws_base}/ws/articles/{self.article}/", additional_headers={"Authorization": f"Token {self.token}"},
            ping_interval=None, open_timeout=60, close_timeout=5, max_size=2**24,
        )
        self.tracker = tracker
        self.task = asyncio.create_task(self._read())
        # The consumer handles a socket's messages in order: the pong comes once the follow's
        # catch-up has been sent, so from then on the page is live.
        await self.socket.send(json.dumps({"type": "follow", "after": after}))
        await self.socket.send(json.dumps({"type": "ping"}))
        await asyncio.wait_for(self.ready.wait(), timeout=60)

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.socket:
                at = time.perf_counter()
                message = json.loads(raw)
                self.messages += 1
                if message.get("type") == "pong":
                    self.ready.set()
                elif message.get("type") == "events":
                    self.next = message.get("next", self.next)
                    for event in message.get("events", []):
                        self.events += 1
                        self.tracker.arrived(page=self.number, article=self.article, user=self.user, event=event,
                                             at=at)
                elif message.get("type") == "presence":
                    self.tracker.presence_arrived(page=self.number, article=self.article, message=message, at=at)
        except ConnectionClosed as closed:
            if not self.closing:  # 1006: the server dropped the connection without a close frame
                self.close_code = closed.rcvd.code if closed.rcvd else 1006
        finally:
            if not self.closing and self.close_code is None:
                self.close_code = self.socket.close_code or 1006
            self.ready.set()  # an open() waiting on a refused socket returns and sees close_code

    async def presence(self, item: int | None) -> None:
        with contextlib.suppress(Exception):  # a page whose socket closed still works over HTTP
            await self.socket.send(json.dumps({"type": "presence", "item": item, "typing": False}))

    async def close(self) -> None:
        self.closing = True
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()
        if self.task is not None:
            with contextlib.suppress(Exception):
                await self.task


@dataclasses.dataclass
class DeskUser:
    username: str
    token: str
    editor: bool
    article: int
    page: Page | None = None


class Desk:
    """What every user shares: the HTTP client, items and their versions, pages, what was measured."""

    def __init__(self, http: Http, tracker: PushTracker, claims: dict[int, list[int]], versions: dict[int, str],
                 reviewers: list[str]) -> None:
        self.http, self.tracker, self.claims, self.versions = http, tracker, claims, versions
        self.reviewers = reviewers
        self.assignee: dict[int, str | None] = {}
        self.pages_on: dict[int, list[Page]] = collections.defaultdict(list)
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)

    def others(self, user: DeskUser) -> list[int]:
        return [page.number for page in self.pages_on[user.article]
                if page is not user.page and page.close_code is None]

    async def act(self, user: DeskUser, action: str, rng: random.Random) -> None:
        token = user.token
        if action == "article":
            await self._timed(action, "GET", f"/api/v1/articles/{user.article}/", token)
            return
        if action == "claims":
            await self._timed(action, "GET", f"/api/v1/articles/{user.article}/claims/", token)
            return
        if action == "queue":
            await self._timed(action, "GET", "/api/v1/queue/", token)
            return
        item = rng.choice(self.claims[user.article])
        if user.page is not None:  # the page tells the desk which item its user is on
            self.tracker.presence_expect(article=user.article, user=user.username, item=item,
                                         sent=time.perf_counter(), pages=self.others(user))
            await user.page.presence(item)
        if action == "review":
            body = {"verdict": rng.choice(VERDICTS), "rationale": "desk benchmark"}
            await self._write(user, action, f"/api/v1/claims/{item}/reviews/", item, body, if_match=True)
        elif action == "comment":
            body = {"body": f"Source for this? ({user.username})"}
            await self._write(user, action, f"/api/v1/claims/{item}/comments/", item, body, if_match=False)
        elif action == "assign":
            current = self.assignee.get(item)
            assignee = rng.choice([name for name in self.reviewers if name != current])
            answer = await self._write(user, action, f"/api/v1/claims/{item}/assign/", item,
                                       {"assignee": assignee}, if_match=True)
            if answer.status == 200:
                self.assignee[item] = assignee
        else:
            raise ValueError(f"unknown desk action {action!r}: add it to Desk.act")

    async def _timed(self, action: str, method: str, path: str, token: str, **kwargs) -> Answer:
        started = time.perf_counter()
        answer = await self.http.call(method, path, token=token, **kwargs)
        self.latency[action].append(time.perf_counter() - started)
        self.statuses[action][answer.status] += 1
        return answer

    async def _write(self, user: DeskUser, action: str, path: str, item: int, body: dict, *, if_match: bool) -> Answer:
        sent = time.perf_counter()
        write = self.tracker.expect(kind=WRITES[action], article=user.article, item=item, actor=user.username,
                                    sent=sent, pages=self.others(user))
        answer = await self.http.call("POST", path, token=user.token, body=body,
                                      if_match=self.versions[item] if if_match else None)
        at = time.perf_counter()
        self.tracker.answered(write, at=at, ok=answer.status in (200, 201))
        if answer.status in (200, 201):
            self.latency[action].append(at - sent)
        self.statuses[action][answer.status] += 1
        if "etag" in answer.headers and action != "comment":  # a 412 carries the item's current version too
            self.versions[item] = answer.headers["etag"]
        return answer


async def user_loop(desk: Desk, user: DeskUser, *, until: float, think: float, rng: random.Random,
                    only: str | None = None) -> None:
    """One person: think, then one action of their role's mix, until ``until``."""
    mix = EDITOR_MIX if user.editor else REVIEWER_MIX
    actions, weights = [name for name, _ in mix], [weight for _, weight in mix]
    while True:
        if think > 0:  # exponential, cut at the end of the phase
            await asyncio.sleep(max(0.0, min(rng.expovariate(1 / think), until - time.perf_counter())))
        if time.perf_counter() >= until:
            return
        await desk.act(user, only or rng.choices(actions, weights)[0], rng)


async def loop_lag(samples: list[float], stop: asyncio.Event, interval: float = 0.05) -> None:
    """How late the driver's event loop wakes up: every figure it times carries this delay too."""
    while not stop.is_set():
        expected = time.perf_counter() + interval
        await asyncio.sleep(interval)
        samples.append(max(0.0, time.perf_counter() - expected))


class Meter:
    """CPU seconds of the driver and each server process, and the machine's busy share, over a phase."""

    def __init__(self, pids: dict[str, tuple[int, bool]], database_url: str) -> None:
        self.pids, self.database_url = pids, database_url

    def transactions(self) -> int:
        """Transactions PostgreSQL has counted in the benchmark database (its statistics lag about 1 s)."""
        import psycopg

        name = urlsplit(self.database_url).path.lstrip("/")
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            row = connection.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [name]
            ).fetchone()
        return int(row[0])

    def database_processes(self) -> dict[int, float]:
        """CPU seconds of each PostgreSQL backend serving the benchmark database (named in its title)."""
        name = urlsplit(self.database_url).path.lstrip("/")
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    if title.startswith("postgres:") and f" {name} " in title:
                        found[int(entry.name)] = harness.cpu_seconds(int(entry.name))
        return found

    def read(self) -> dict:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"time": time.perf_counter(), "driver": usage.ru_utime + usage.ru_stime,
                "machine": harness.machine_cpu_ticks(), "transactions": self.transactions(),
                "postgres": self.database_processes(),
                **{name: harness.cpu_seconds(pid, with_children=children)
                   for name, (pid, children) in self.pids.items()}}

    def since(self, start: dict) -> dict:
        now = self.read()
        wall = now["time"] - start["time"]
        busy = (now["machine"][0] - start["machine"][0]) / max(1, now["machine"][1] - start["machine"][1])
        cores = {name: round((now[name] - start[name]) / wall, 2) for name in ("driver", *self.pids)}
        # Backends that ended meanwhile are missed: an underestimate (the servers keep theirs open).
        database = sum(seconds - start["postgres"].get(pid, 0.0) for pid, seconds in now["postgres"].items())
        cores["postgres"] = round(database / wall, 2)
        total = round(busy * (os.cpu_count() or 1), 2)
        cores["everything_else"] = round(max(0.0, total - sum(cores.values())), 2)  # Redis, other jobs
        # The reading's own transaction is one of them.
        transactions = now["transactions"] - start["transactions"] - 1
        return {"cores_used": cores, "machine_busy_share": round(busy, 3),
                "database_transactions_per_s": round(transactions / wall, 1),
                "load_average_1min": round(os.getloadavg()[0], 2)}


def http_lines(paths: list[Path]) -> int:
    """HTTP requests logged by the servers so far: gunicorn's access log and uvicorn's log
    (whose HTTP access lines hold ' HTTP/'; its WebSocket lines do not)."""
    count = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            count += sum(1 for line in path.read_text(errors="replace").splitlines() if " HTTP/" in line)
    return count


# --- the run ---


def seed_desk(*, articles: int, rng: random.Random) -> dict:
    """``api_load.seed`` plus editors with tokens; returns users (name, token, editor) and claims by article."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from annotations.models import Item

    data = seed(articles=articles, reviewers=REVIEWERS, rng=rng)
    editor_group = Group.objects.get(name="editor")
    for number in range(EDITORS):
        user = User.objects.create(username=f"bench-desk-editor-{number}")
        user.groups.add(editor_group)
        Token.objects.create(user=user)
    users = [
        (token.user.username, token.key, token.user.username.startswith("bench-desk-editor-"))
        for token in Token.objects.select_related("user").order_by("user__username")
    ]
    claims: dict[int, list[int]] = collections.defaultdict(list)
    versions = {}
    for pk, article_id, version in Item.objects.filter(kind="claim").values_list(
        "pk", "revision__article_id", "version"
    ):
        claims[article_id].append(pk)
        versions[pk] = f'"{version}"'
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"articles": data["articles"], "users": users, "claims": dict(claims), "versions": versions}


async def open_pages(pages: list[Page], ws_base: str, tracker: PushTracker, after: dict[int, int],
                     *, batch: int = 50) -> tuple[float, dict[str, int]]:
    """Open every page, ``batch`` handshakes at a time; returns the seconds it took and the close
    codes of those the server closed meanwhile (they are left out of every expectation)."""
    started = time.perf_counter()
    for first in range(0, len(pages), batch):
        await asyncio.gather(*(page.open(ws_base, tracker, after=after[page.article])
                               for page in pages[first : first + batch]))
    return time.perf_counter() - started, closed_codes(pages)


def closed_codes(pages: list[Page]) -> dict[str, int]:
    """How many pages the server has closed, by close code (1006: dropped without a close frame)."""
    return dict(collections.Counter(str(page.close_code) for page in pages if page.close_code is not None))


async def latest_positions(http: Http, token: str, articles: list[int]) -> dict[int, int]:
    latest = {}
    for article in articles:
        answer = await http.call("GET", f"/api/v1/articles/{article}/events/?latest=true", token=token)
        if answer.status != 200:
            raise SystemExit(f"GET events?latest=true answered {answer.status}: {answer.body[:300]!r}")
        latest[article] = answer.json()["next"]
    return latest


def action_figures(desk: Desk, seconds: float) -> dict:
    return {action: {**percentiles(values), "per_s": round(len(values) / seconds, 1),
                     "statuses": dict(desk.statuses[action])}
            for action, values in sorted(desk.latency.items())}


async def run_desk_phase(desk: Desk, users: list[DeskUser], *, seconds: float, think: float, seed_value: int,
                         meter: Meter, only: str | None = None) -> dict:
    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.create_task(loop_lag(lag, stop))
    start = meter.read()
    requests_before = desk.http.requests
    until = time.perf_counter() + seconds
    await asyncio.gather(*(user_loop(desk, user, until=until, think=think, rng=random.Random(seed_value + index),
                                     only=only) for index, user in enumerate(users)))
    elapsed = seconds + max(0.0, time.perf_counter() - until)
    cpu = meter.since(start)
    requests = desk.http.requests - requests_before
    drained = await desk.tracker.drain(DRAIN_SECONDS)
    stop.set()
    await lag_task
    return {"seconds": round(elapsed, 1), "http_requests": requests, "http_per_s": round(requests / elapsed, 1),
            "drain_seconds": round(drained, 1), "http_failures": desk.http.failures[-5:],
            "actions": action_figures(desk, elapsed), "push": desk.tracker.figures(), "cpu": cpu,
            "driver_loop_lag_ms": percentiles(lag)}


async def desk_run(args: argparse.Namespace, seeded: dict, base: str, asgi: harness.AsgiServer, logs: list[Path],
                   meter: Meter) -> dict:
    http = Http(base)
    everyone = [DeskUser(username=name, token=token, editor=editor, article=0)
                for name, token, editor in seeded["users"]]
    editors = [user for user in everyone if user.editor][: args.editors]
    reviewers = [user for user in everyone if not user.editor][: args.users - len(editors)]
    users = reviewers + editors
    desk_articles = seeded["articles"][: args.articles]
    for index, user in enumerate(users):
        user.article = desk_articles[index % len(desk_articles)]
    claims = {article: seeded["claims"][article] for article in desk_articles}
    after = await latest_positions(http, users[0].token, desk_articles)
    figures: dict = {}

    tracker = PushTracker()
    desk = Desk(http, tracker, claims, dict(seeded["versions"]),
                [name for name, _, editor in seeded["users"] if not editor])
    for index, user in enumerate(users):
        user.page = Page(index, user.article, user.username, user.token)
        desk.pages_on[user.article].append(user.page)
    seconds, refused = await open_pages([user.page for user in users], asgi.ws_base, tracker, after)
    figures["open_seconds"], figures["closed_on_opening"] = round(seconds, 2), refused
    # Warm-up: every user reads their article once (the read cache and each worker's imports).
    tracker.recording = False
    await asyncio.gather(*(desk.act(user, "article", random.Random(0)) for user in users))
    await asyncio.sleep(1)

    # 1. Idle pages.
    messages_before = sum(user.page.messages for user in users)
    logged_before, sent_before = http_lines(logs), http.requests
    await asyncio.sleep(1)  # PostgreSQL's statistics of the warm-up land
    start = meter.read()
    await asyncio.sleep(args.idle_seconds)
    cpu = meter.since(start)
    await asyncio.sleep(0.5)  # gunicorn writes its access line after the response: let any land
    figures["idle"] = {
        "cpu": cpu,
        "seconds": args.idle_seconds, "pages": len(users),
        "http_requests_logged": http_lines(logs) - logged_before,
        "http_requests_sent_by_driver": http.requests - sent_before,
        "socket_messages_received": sum(user.page.messages for user in users) - messages_before,
    }
    print("idle", figures["idle"], flush=True)

    # 2. The desk mix.
    desk.latency.clear()
    desk.statuses.clear()
    tracker.recording = True
    logged_before = http_lines(logs)
    figures["desk"] = await run_desk_phase(desk, users, seconds=args.seconds, think=args.think, seed_value=1000,
                                           meter=meter)
    figures["desk"]["http_requests_logged"] = http_lines(logs) - logged_before
    print("desk", json.dumps(figures["desk"]), flush=True)

    # 3. Reviews alone, no think time, pages still open.
    if args.reviews_seconds > 0:
        desk.tracker = PushTracker()
        for user in users:
            user.page.tracker = desk.tracker  # the pages report to the new tracker from here on
        desk.latency.clear()
        desk.statuses.clear()
        figures["reviews_alone"] = await run_desk_phase(desk, users, seconds=args.reviews_seconds, think=0,
                                                        seed_value=2000, meter=meter, only="review")
        print("reviews alone", json.dumps(figures["reviews_alone"]), flush=True)
    figures["pages_closed_by_server"] = closed_codes([user.page for user in users])
    await asyncio.gather(*(user.page.close() for user in users))
    if args.reviews_seconds > 0:
        # The same again with every page closed: what telling the pages costs the reviews themselves.
        desk.pages_on.clear()
        desk.tracker = PushTracker()
        desk.latency.clear()
        desk.statuses.clear()
        await asyncio.sleep(2)
        figures["reviews_alone_no_pages"] = await run_desk_phase(
            desk, users, seconds=args.reviews_seconds, think=0, seed_value=3000, meter=meter, only="review"
        )
        print("reviews alone, no pages", json.dumps(figures["reviews_alone_no_pages"]), flush=True)
    return figures


async def many_sockets_run(args: argparse.Namespace, seeded: dict, base: str, asgi: harness.AsgiServer,
                           meter: Meter) -> dict:
    """``--sockets`` pages on a fresh ASGI process: its memory, what holding them idle costs, and a few
    changes told to every one of them."""
    http = Http(base)
    readers = [(name, token) for name, token, _ in seeded["users"]]
    editor_name, editor_token = next((name, token) for name, token, editor in seeded["users"] if editor)
    articles = seeded["articles"][: args.articles]
    after = await latest_positions(http, editor_token, articles)
    tracker = PushTracker()
    # Warm-up: one socket opened and closed, so what the first connection imports is not counted per socket.
    warm = Page(-1, articles[0], readers[0][0], readers[0][1])
    await warm.open(asgi.ws_base, tracker, after=after[articles[0]])
    await warm.close()
    await asyncio.sleep(1)
    rss_before = harness.rss_kib(asgi.pid)
    pages = [Page(number, articles[number % len(articles)], *readers[number % len(readers)])
             for number in range(args.sockets)]
    start = meter.read()
    open_seconds, refused = await open_pages(pages, asgi.ws_base, tracker, after)
    opening = meter.since(start)
    await asyncio.sleep(2)
    messages_opening = sum(page.messages for page in pages)
    rss_open = harness.rss_kib(asgi.pid)
    # Held idle long enough for every socket's periodic re-check to run at least once.
    start = meter.read()
    await asyncio.sleep(args.hold_seconds)
    holding = meter.since(start)
    messages_holding = sum(page.messages for page in pages) - messages_opening
    rss_held = harness.rss_kib(asgi.pid)
    on_article = collections.defaultdict(list)
    for page in pages:
        if page.close_code is None:
            on_article[page.article].append(page.number)
    rng = random.Random(3)
    start = meter.read()
    for round_number in range(args.fanout_rounds):
        for article in articles:
            item = rng.choice(seeded["claims"][article])
            write = tracker.expect(kind="comment", article=article, item=item, actor=editor_name,
                                   sent=time.perf_counter(), pages=on_article[article])
            answer = await http.call("POST", f"/api/v1/claims/{item}/comments/", token=editor_token,
                                     body={"body": f"Round {round_number}: who has the source?"})
            tracker.answered(write, at=time.perf_counter(), ok=answer.status == 201)
            await asyncio.sleep(args.fanout_gap)
    drained = await tracker.drain(DRAIN_SECONDS)
    changing = meter.since(start)
    rss_after = harness.rss_kib(asgi.pid)
    closed = closed_codes(pages)
    opened = max(1, len(pages) - sum(refused.values()))
    await asyncio.gather(*(page.close() for page in pages))
    return {
        "sockets": len(pages), "articles": len(articles), "open_seconds": round(open_seconds, 2),
        "closed_on_opening": refused,
        "messages_received_while_opening": messages_opening, "cpu_while_opening": opening,
        "rss_kib_before": rss_before, "rss_kib_open": rss_open, "rss_kib_after_holding": rss_held,
        "rss_kib_after_changes": rss_after, "kib_per_socket": round((rss_open - rss_before) / opened, 1),
        "hold_seconds": args.hold_seconds, "messages_received_while_held": messages_holding,
        "cpu_while_held": holding,
        "changes": {"writes_per_article": args.fanout_rounds, "gap_seconds": args.fanout_gap,
                    "drain_seconds": round(drained, 1), "cpu": changing},
        "closed_by_server_by_the_end": closed, "push": tracker.figures(),
        "driver_rss_kib": harness.rss_kib(os.getpid()),
    }


def tracebacks(paths: list[Path]) -> int:
    """Tracebacks the servers logged (each is a failure worth reading in the kept logs)."""
    count = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            count += path.read_text(errors="replace").count("Traceback (most recent call last)")
    return count


def run(args: argparse.Namespace) -> dict:
    channel_layer, cache = args.channel_layer_url, args.cache_url
    for url in (channel_layer, cache):
        redis.Redis.from_url(url).flushdb()
    os.environ["CACHE_URL"] = cache
    harness.fresh_database(args.database_url)
    harness.django_setup(args.database_url)
    seeded = seed_desk(articles=args.seed_articles, rng=random.Random(7))
    env = {"CACHE_URL": cache, "CHANNEL_LAYER_URL": channel_layer}
    work = Path(tempfile.mkdtemp(prefix="desk_load-"))
    access_log, error_log, pid_file = work / "gunicorn-access.log", work / "gunicorn-error.log", work / "gunicorn.pid"
    desk_log, sockets_log = work / "uvicorn-desk.log", work / "uvicorn-sockets.log"
    figures = {
        "benchmark": "desk_load", "machine": harness.machine(), "date": datetime.date.today().isoformat(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "setup": {
            "http": f"gunicorn, {args.workers} sync workers (benchmark URLconf)",
            "websocket": "one uvicorn process, factcheck.asgi",
            "channel_layer": channel_layer, "cache": cache,
            "users": {"reviewers": args.users - args.editors, "editors": args.editors},
            "articles_watched": args.articles, "articles_seeded": args.seed_articles,
            "think_seconds_mean": args.think, "reviewer_mix": dict(REVIEWER_MIX), "editor_mix": dict(EDITOR_MIX),
        },
    }
    gunicorn_env = {**env, "GUNICORN_CMD_ARGS": f"--access-logfile {access_log} --error-logfile {error_log} "
                                                f"--pid {pid_file}"}
    with harness.gunicorn(args.database_url, workers=args.workers, **gunicorn_env) as base:
        gunicorn_pid = int(pid_file.read_text())
        with harness.uvicorn(args.database_url, log_path=desk_log, **env) as asgi:
            figures["uvicorn_rss_kib_at_start"] = harness.rss_kib(asgi.pid)
            meter = Meter({"gunicorn": (gunicorn_pid, True), "uvicorn": (asgi.pid, False)}, args.database_url)
            figures.update(asyncio.run(desk_run(args, seeded, base, asgi, [access_log, desk_log], meter)))
            figures["uvicorn_rss_kib_after_desk"] = harness.rss_kib(asgi.pid)
        if args.sockets > 0:
            with harness.uvicorn(args.database_url, log_path=sockets_log, **env) as asgi:
                meter = Meter({"gunicorn": (gunicorn_pid, True), "uvicorn": (asgi.pid, False)}, args.database_url)
                figures["many_sockets"] = asyncio.run(many_sockets_run(args, seeded, base, asgi, meter))
                print("many sockets", json.dumps(figures["many_sockets"]), flush=True)
    figures["server_tracebacks_logged"] = {"gunicorn": tracebacks([error_log]), "uvicorn_desk": tracebacks([desk_log]),
                                           "uvicorn_sockets": tracebacks([sockets_log])}
    figures["logs"] = str(work)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--channel-layer-url", default=DEFAULT_CHANNEL_LAYER)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE)
    parser.add_argument("--seconds", type=float, default=60, help="length of the desk mix")
    parser.add_argument("--idle-seconds", type=float, default=15)
    parser.add_argument("--reviews-seconds", type=float, default=10, help="reviews alone with no think time; 0 skips")
    parser.add_argument("--users", type=int, default=REVIEWERS + EDITORS, help="reviewers + editors on the desk")
    parser.add_argument("--editors", type=int, default=EDITORS)
    parser.add_argument("--think", type=float, default=5.0, help="mean think time between a user's actions (s)")
    parser.add_argument("--articles", type=int, default=5, help="articles the pages are spread over")
    parser.add_argument("--seed-articles", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument("--sockets", type=int, default=500, help="sockets held by one ASGI process; 0 skips")
    parser.add_argument("--hold-seconds", type=float, default=20, help="those sockets held idle (re-checks run)")
    parser.add_argument("--fanout-rounds", type=int, default=2, help="changes per article told to those sockets")
    parser.add_argument("--fanout-gap", type=float, default=2.0, help="seconds between those changes")
    parser.add_argument("--save-as", default="desk_load", help="name of the figures in benchmarks/results/")
    parser.add_argument("--no-save", action="store_true", help="print the figures, keep the saved ones")
    args = parser.parse_args()
    if not 0 <= args.editors <= min(EDITORS, args.users) or args.users - args.editors > REVIEWERS:
        parser.error(f"at most {REVIEWERS} reviewers and {EDITORS} editors are seeded")
    figures = run(args)
    print(json.dumps(figures, indent=2))
    if not args.no_save:
        print(harness.save(args.save_as, figures))


if __name__ == "__main__":
    main()
