"""Review submission through the service beside its own SQL replayed by pgbench, in one run.

    python -m benchmarks.review_replay [--database-url postgres://postgres@127.0.0.1:5432/factcheck_bench_review]
                                       [--cache-url redis://127.0.0.1:6379/12] [--seconds 10]

1. Seeds a scratch database as ``api_load`` does (200 articles, ~9,000 claims, 50 reviewers)
   and measures review submission alone with wrk through gunicorn (``review.lua``, If-Match
   kept from the answers), as api_load's "review submission" scenario does.
2. Sends one more review, of a claim nobody has reviewed (the case of every review in that
   run: none supersedes another or reaches the quorum), through Django's WSGI handler in this
   process, as gunicorn would, and records what goes over the wire: libpq's protocol trace of
   the connection gives every message sent to PostgreSQL (transaction control and Django's
   connection health check included, which no ``execute_wrapper`` sees), and the statements'
   parameters come from an ``execute_wrapper`` around the same request. Redis commands are
   counted at redis-py's synchronous connection (the cache's; a channel layer's asyncio
   client is not counted). A second verdict on the same claim, which reaches the quorum, is
   captured too and reported, not replayed.
3. Turns those messages into a pgbench script, one command per message, so that pgbench makes
   the same statements in the same round trips. The item, its article and the reviewer become
   variables: every client goes through the claims in a shuffled order (``permute``), articles
   are drawn at random as the sampled claims hit them, and the reviewer of each insert is one of
   50 reviewers created for the replay, chosen so no (item, reviewer) pair has two current
   reviews (the real service supersedes the earlier one; the script of a first review does not).
4. Replays it with ``pgbench -M simple`` (as Django sends statements: client-side binding),
   with the same clients for the same time as wrk, against the same database: the ceiling of
   these statements on this machine with no Python at all. The desk event sequencer's
   transaction (run after the commit by ``desk_events``) only tries its lock, and numbers and
   looks again only when it got it: pgbench does the same (its gset and if meta-commands). It is
   replayed once more without the sequencer, to show what it costs.

Reports statements and round trips per review, requests/s and p50/p95/p99 through the
service, transactions/s and p50/p95 of the replay, and their ratio. Saved to
``benchmarks/results/review_replay.json``.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import random
import re
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import redis

from benchmarks import harness
from benchmarks.api_load import seed, with_versions

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/factcheck_bench_review"
DEFAULT_CACHE = "redis://127.0.0.1:6379/12"
REPLAY_REVIEWERS = 50
# Markers standing for the values that become pgbench variables: no real id is this large.
_MARKERS = {"item": 9_100_000_000_001, "article": 9_100_000_000_002, "reviewer": 9_100_000_000_003}
_TRACE_LINE = re.compile(rb"(?P<side>[FB])\t(?P<length>\d+)\t(?P<message>\w+)\t ?")


@dataclass
class Capture:
    """What one review sent: the messages to PostgreSQL, its statements, and the Redis commands."""

    status: int
    queries: list[str] = field(default_factory=list)  # each simple-protocol Query message, as sent
    templates: list[str] = field(default_factory=list)  # the same, with :item, :article, :reviewer
    statements: int = 0  # CommandComplete answers: statements PostgreSQL ran
    round_trips: int = 0  # ReadyForQuery answers: times the client waited for PostgreSQL
    redis_commands: list[str] = field(default_factory=list)
    redis_round_trips: int = 0


def _trace_messages(trace: bytes) -> list[tuple[str, str, str]]:
    """(side, message, text) from libpq's protocol trace; for a Query, text is the query.

    A query is printed as it was sent, newlines included, so it is read by the message's
    length (4 bytes of length, the string, its NUL) rather than up to the end of the line.
    """
    messages, position = [], 0
    while position < len(trace):
        match = _TRACE_LINE.match(trace, position)
        if match is None:  # not a message's first line: skip it
            position = trace.find(b"\n", position) + 1 or len(trace)
            continue
        side, message = match["side"].decode(), match["message"].decode()
        if side == "F" and message == "Query":
            start = match.end() + 1  # past the opening quote
            end = start + int(match["length"]) - 5
            messages.append((side, message, trace[start:end].decode()))
            position = end + 2  # the closing quote and the newline
        else:
            end = trace.find(b"\n", match.end())
            end = len(trace) if end < 0 else end
            messages.append((side, message, trace[match.end():end].decode(errors="replace")))
            position = end + 1
    return messages


@functools.cache
def _wsgi_handler():
    """One WSGI handler for the process, as a gunicorn worker has: making it loads every
    middleware again, which a server never does per request (0.6 to 1.3 ms of a review's CPU
    here, WhiteNoise's scan of the static files among it)."""
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


def _wsgi_post(path: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through Django's WSGI handler as gunicorn calls it (request signals included)."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    statuses = []
    response = _wsgi_handler()(environ, lambda status, _headers, *_: statuses.append(int(status.split()[0])))
    b"".join(response)
    response.close()  # request_finished, as the server sends it
    return statuses[0]


def _review_request(item_id: int, token: str, version: int, verdict: str) -> int:
    body = json.dumps({"verdict": verdict, "rationale": "benchmark"}).encode()
    return _wsgi_post(f"/api/v1/claims/{item_id}/reviews/", body,
                      {"Authorization": f"Token {token}", "If-Match": f'"{version}"'})


def capture_review(*, item_id: int, warm_item_id: int, token: str) -> Capture:
    """Review ``item_id`` (no review yet) with ``token``, recording what it sends; a review of
    ``warm_item_id`` first opens the connection and caches the token, as in a running server."""
    import psycopg.pq
    from django.db import connection
    from redis.connection import AbstractConnection
    from rest_framework.authtoken.models import Token

    from annotations.models import Item

    versions = dict(Item.objects.filter(pk__in=[item_id, warm_item_id]).values_list("pk", "version"))
    item = Item.objects.select_related("revision").get(pk=item_id)
    reviewer_id = Token.objects.get(key=token).user_id
    if _review_request(warm_item_id, token, versions[warm_item_id], "correct") != 201:
        raise SystemExit("The warm-up review was refused: is the seeded data as api_load makes it?")

    executed: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        executed.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    redis_commands, redis_sends = [], []
    send_command, send_packed = AbstractConnection.send_command, AbstractConnection.send_packed_command

    def counting_send_command(self, *args, **kwargs):
        redis_commands.append(str(args[0]))
        return send_command(self, *args, **kwargs)

    def counting_send_packed(self, *args, **kwargs):
        redis_sends.append(1)
        return send_packed(self, *args, **kwargs)

    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+b") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE)
        AbstractConnection.send_command, AbstractConnection.send_packed_command = (
            counting_send_command, counting_send_packed)
        try:
            with connection.execute_wrapper(record):
                status = _review_request(item_id, token, versions[item_id], "disputed")
        finally:
            AbstractConnection.send_command, AbstractConnection.send_packed_command = send_command, send_packed
            pgconn.untrace()
        trace.seek(0)
        messages = _trace_messages(trace.read())

    capture = Capture(status=status, redis_commands=redis_commands, redis_round_trips=len(redis_sends))
    for side, message, text in messages:
        if side == "F" and message == "Query":
            capture.queries.append(text)
        elif side == "F" and message in ("Parse", "Bind"):
            raise SystemExit("The connection sent an extended-protocol message: this replay is for the simple one.")
        elif side == "B" and message == "CommandComplete":
            capture.statements += 1
        elif side == "B" and message == "ReadyForQuery":
            capture.round_trips += 1
    capture.templates = _templates(capture.queries, executed, values={
        "item": item_id, "article": item.revision.article_id, "reviewer": reviewer_id})
    return capture


def _templates(queries: list[str], executed: list[tuple[str, tuple]], *, values: dict[str, int]) -> list[str]:
    """The wire queries with the item, article and reviewer as pgbench variables.

    A query Django sent through its cursor is rendered again from its SQL and parameters, the
    parameters equal to one of ``values`` replaced by a marker that then becomes the variable;
    the rendering with the real values must be the query as it was sent. Transaction control and
    the health check (sent by psycopg or Django's connection, not its cursor) stay as they were.
    """
    from django.db import connection

    by_value = {value: name for name, value in values.items()}
    if len(by_value) != len(values):
        raise SystemExit(f"Item, article and reviewer ids must differ to be told apart: {values}")
    cursor = connection.connection.cursor()
    pending = list(executed)
    templates = []
    for query in queries:
        if pending and cursor.mogrify(*pending[0]) == query:
            sql, params = pending.pop(0)
            marked = [_MARKERS[by_value[param]] if type(param) is int and param in by_value else param
                      for param in params]
            text = cursor.mogrify(sql, marked)
            for name, marker in _MARKERS.items():
                text = text.replace(str(marker), f":{name}")
            templates.append(text)
        else:
            templates.append(query)
    if pending:
        raise SystemExit(f"Statements not found in the protocol trace, in order: {pending[:2]}")
    return templates


def pgbench_script(templates: list[str], *, items: tuple[int, int], articles: tuple[int, int],
                   reviewers: tuple[int, int], clients: int) -> str:
    """One pgbench command per wire query (``\\;`` keeps a query's several statements in one)."""
    item_min, item_count = items[0], items[1] - items[0] + 1
    lines = [
        # A per-client counter (-D n=0) walks every client through the claims in a shuffled order.
        "\\set n :n + 1",
        f"\\set k (:n - 1) * {clients} + :client_id",
        f"\\set item {item_min} + permute(:k % {item_count}, {item_count}, 7)",
        f"\\set article random({articles[0]}, {articles[1]})",
        # A different replay reviewer on each pass over the claims: one current review per pair.
        f"\\set reviewer {reviewers[0]} + (:k % {item_count} + :k / {item_count}) % {reviewers[1] - reviewers[0] + 1}",
    ]
    # A meta-command, or a query that ends in one (``\gset``), is a line of its own as it is.
    lines += [template if template.startswith("\\") or template.endswith("\\gset")
              else _escape_semicolons(template) + ";" for template in templates]
    return "\n".join(lines) + "\n"


def _escape_semicolons(query: str) -> str:
    """``\\;`` for each semicolon outside a literal: pgbench then sends the statements in one message."""
    out, quoted = [], False
    for char in query:
        if char == "'":
            quoted = not quoted
        out.append("\\;" if char == ";" and not quoted else char)
    return "".join(out)


def pgbench(database_url: str, script: str, *, seconds: int, clients: int, first_n: int = 0) -> dict:
    """Run one custom script in the simple protocol; tps and per-transaction latency percentiles.

    Every client's counter ``n`` starts at ``first_n``; ``next_n`` in the answer is where a
    following run starts so that it reviews no (item, reviewer) pair this one did.
    """
    parts = urlsplit(database_url)
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "review.sql"
        path.write_text(script)
        out = subprocess.run(
            ["pgbench", "-n", "-M", "simple", "-c", str(clients), "-j", "2", "-T", str(seconds), "-D", f"n={first_n}",
             "-l", "--log-prefix", str(Path(workdir) / "log"), "-f", str(path),
             "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres",
             parts.path.lstrip("/")],
            capture_output=True, text=True, check=False,
        )
        if out.returncode != 0 or "aborted" in out.stdout + out.stderr:
            raise SystemExit(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
        latencies, per_client = [], {}  # a line per transaction: client, number, microseconds, ...
        for log in Path(workdir).glob("log*"):
            for line in log.read_text().splitlines():
                client, _number, micros = line.split()[:3]
                latencies.append(int(micros))
                per_client[client] = per_client.get(client, 0) + 1
    tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out.stdout)[1])
    cuts = statistics.quantiles(latencies, n=100)
    return {"tps": round(tps, 1), "transactions": len(latencies), "p50_ms": round(cuts[49] / 1000, 2),
            "p95_ms": round(cuts[94] / 1000, 2), "next_n": first_n + max(per_client.values()) + 1}


def _replay_reviewers() -> tuple[int, int]:
    from django.contrib.auth.models import Group, User

    group = Group.objects.get(name="reviewer")
    users = User.objects.bulk_create(User(username=f"bench-replay-{n}") for n in range(REPLAY_REVIEWERS))
    group.user_set.add(*users)
    ids = sorted(user.pk for user in users)
    assert ids[-1] - ids[0] + 1 == len(ids), "replay reviewers need consecutive ids"
    return ids[0], ids[-1]


def _sequencer_queries(templates: list[str]) -> range:
    """The indexes of the desk event sequencer's queries: the BEGIN before its try of the lock to
    its COMMIT, and the look for rows left to it after that."""
    lock = next(i for i, text in enumerate(templates) if "pg_try_advisory_xact_lock" in text)
    begin = max(i for i in range(lock) if templates[i] == "BEGIN")
    end = next(i for i in range(lock, len(templates)) if templates[i] == "COMMIT")
    if '"position" IS NULL' not in templates[end + 1]:
        raise SystemExit(f"No look for rows left to the sequencer after its COMMIT: {templates[end + 1]}")
    return range(begin, end + 2)


def _sequencer_branching(templates: list[str], sequencer: range) -> list[str]:
    """The sequencer's queries as the service runs them: the numbering and the look after it only
    where the try of the lock succeeded (pgbench's gset and if meta-commands)."""
    begin, lock, *numbering, commit, look = (templates[i] for i in sequencer)
    return [
        *templates[: sequencer.start],
        begin, f"{lock}::int AS got \\gset", "\\if :got", *numbering, "\\endif", commit, "\\if :got", look, "\\endif",
        *templates[sequencer.stop :],
    ]


def run(*, database_url: str, cache_url: str, seconds: int, connections: int, workers: int) -> dict:
    rng = random.Random(7)
    os.environ["CACHE_URL"] = cache_url
    redis.Redis.from_url(cache_url).flushdb()
    harness.fresh_database(database_url)
    harness.django_setup(database_url)
    data = seed(articles=200, reviewers=50, rng=rng)
    from django.db import connection

    from annotations.models import Item, Review

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    claims = rng.sample(data["claims"], min(8000, len(data["claims"])))
    tokens = ",".join(data["tokens"])
    with harness.gunicorn(database_url, workers=workers) as base:
        harness.wrk(base, "get_rotating.lua", seconds=2, connections=connections, BENCH_PATH="/bench/bare/")  # warm-up
        service = harness.wrk(base, "review.lua", seconds=seconds, connections=connections,
                              **with_versions("review.lua", {"BENCH_TOKENS": tokens}, claims))
    print("review submission", service, flush=True)
    reviews = Review.objects.count()
    superseded = Review.objects.filter(is_current=False).count()

    # A claim the run left unreviewed, and a reviewer whose id is no other id in its statements
    # (versions, the sequencer's batch): the ids must be told apart to become variables.
    from rest_framework.authtoken.models import Token

    sampled = set(claims)
    unreviewed = Item.objects.filter(pk__in=[pk for pk in data["claims"] if pk not in sampled],
                                     revision__article_id__gt=20).values_list("pk", "revision__article_id")
    (warm_item, _), (item_id, article_id) = unreviewed[:2]
    reviewers = Token.objects.filter(key__in=data["tokens"], user_id__gt=20).exclude(user_id=article_id)
    first, second = reviewers[:2]
    capture = capture_review(item_id=item_id, warm_item_id=warm_item, token=first.key)
    # For the report only (not replayed): a second verdict on the same claim reaches the quorum
    # and changes its status, the case of about every other review on a desk with quorum 2.
    quorum = capture_review(item_id=item_id, warm_item_id=warm_item, token=second.key)
    if capture.status != 201 or quorum.status != 201:
        raise SystemExit(f"The captured reviews were answered {capture.status} and {quorum.status}, not 201.")
    for query in capture.templates:
        print("  ", query[:160], flush=True)

    claim_ids = sorted(data["claims"])
    assert claim_ids[-1] - claim_ids[0] + 1 == len(claim_ids), "the replay draws claims from consecutive ids"
    bounds = {"items": (claim_ids[0], claim_ids[-1]), "articles": (min(data["articles"]), max(data["articles"])),
              "reviewers": _replay_reviewers(), "clients": connections}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()  # pgbench's clients, not this process, use the database now
    sequencer = _sequencer_queries(capture.templates)
    variants = {
        "as captured": _sequencer_branching(capture.templates, sequencer),
        # Last: the events it writes are left unnumbered, which a later sequencer would number first.
        "without the sequencer": [text for i, text in enumerate(capture.templates) if i not in sequencer],
    }
    replays, first_n = {}, 0
    for name, templates in variants.items():
        replays[name] = pgbench(database_url, pgbench_script(templates, **bounds), seconds=seconds,
                                clients=connections, first_n=first_n)
        first_n = replays[name].pop("next_n")
        print(f"pgbench replay, {name}", replays[name], flush=True)
    replay = replays["as captured"]
    return {
        "benchmark": "review_replay",
        "machine": harness.machine(),
        "code": _code_version(),
        "server": f"gunicorn, {workers} sync workers; wrk, {connections} connections, {seconds} s",
        "replay": f"pgbench -M simple -c {connections} -j 2 -T {seconds}, same database",
        "database": "PostgreSQL (scratch database), 200 articles of ~800 words, ~9,000 claims, 50 reviewers",
        "cache": f"Redis ({cache_url}), read cache on",
        "per_review": {
            "postgres_statements": capture.statements,
            "postgres_round_trips": capture.round_trips,
            "sequencer_round_trips": len(sequencer),
            "redis_commands": len(capture.redis_commands),
            "redis_round_trips": capture.redis_round_trips,
            "redis_command_names": capture.redis_commands,
            "wire_queries": capture.templates,
        },
        "per_review_reaching_quorum": {
            "postgres_statements": quorum.statements,
            "postgres_round_trips": quorum.round_trips,
            "savepoint_statements": sum(query.split()[0] in ("SAVEPOINT", "RELEASE") for query in quorum.queries),
            "redis_round_trips": quorum.redis_round_trips,
            "wire_queries": quorum.templates,
        },
        "service": {**service, "reviews_in_database": reviews, "superseded_reviews": superseded},
        "pgbench_replay": replay,
        "pgbench_replay_without_sequencer": replays["without the sequencer"],
        "service_share_of_replay": round(service["rps"] / replay["tps"], 3),
    }


def _code_version() -> str:
    snapshot = harness.ROOT / ".snapshot-of"  # a copy of a working tree names the commit it started from
    if snapshot.exists():
        return f"copy of a working tree at {snapshot.read_text().strip()[:12]} ({harness.ROOT})"
    out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=harness.ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    figures = run(database_url=args.database_url, cache_url=args.cache_url, seconds=args.seconds,
                  connections=args.connections, workers=args.workers)
    print(json.dumps({key: value for key, value in figures.items() if key != "per_review"}, indent=2))
    for key in ("per_review", "per_review_reaching_quorum"):
        print(key, {name: value for name, value in figures[key].items() if name != "wire_queries"})
    print(harness.save("review_replay", figures))


if __name__ == "__main__":
    main()
