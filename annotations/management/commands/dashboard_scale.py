"""Load a million items into a scratch PostgreSQL database and time every dashboard query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_scale \\
        .venv/bin/python manage.py dashboard_scale [--items 1000000] [--repeat 7] [--skip-load]

The database must be named ``factcheck_scale*`` (the command empties its tables) and must exist
(``createdb -h 127.0.0.1 -U postgres factcheck_scale``); the command migrates it. The rows are
generated in SQL (generate_series), then each dashboard figure, a refresh of the kept desk
figures, the dashboard page and the editors' desk page with them fresh, the lists behind the
desk page's figures, the review desk's article list and the admin's item lists are timed, with
the indexes each plan used. Figures are written down in docs/DASHBOARD_SCALE.md. Not part of the test suite.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.dashboard import figures, workload
from annotations.dashboard.snapshot import desk_snapshot_refresh
from annotations.models import Item, Review

ITEMS_PER_ARTICLE = 10
REVIEWERS = 50

TABLES = [
    "annotations_historyevent", "annotations_comment", "annotations_review", "annotations_item",
    "annotations_workerheartbeat",
]

# Each statement gets %(articles)s, %(editor)s, %(first_reviewer)s. Shapes of a desk after a
# few months: 90 days of articles, 70% of items unverified, 2% dismissed, reviewed items with
# two reviews each (one in eight split), 1% of jobs queued, 1% failed, the rest mostly done.
GENERATE = [
    """INSERT INTO annotations_article (id, title, source_url, publisher, byline, language, ingest_key,
           added_by_id, blind_review, created_at, updated_at)
       SELECT g, 'Article ' || g, '', (ARRAY['Daily','Herald','Wire'])[g %% 3 + 1], '', 'en', 'dash-scale:' || g,
              %(editor)s, false, now() - ((g %% 90) || ' days')::interval, now()
       FROM generate_series(1, %(articles)s) g""",
    """INSERT INTO annotations_articlerevision (id, article_id, number, body, content_hash, created_at)
       SELECT g, g, 1, repeat('Unemployment fell to 4.1 percent in June. ', 10), md5(g::text), now()
       FROM generate_series(1, %(articles)s) g""",
    """INSERT INTO annotations_extractionjob (id, article_id, revision_id, source_url, status, attempts,
           last_error, extractor_version, created_at, updated_at, started_at, finished_at)
       SELECT g, g, g, '', s, 1, '', 'scale', c, now(), c, CASE WHEN s = 'done' THEN c + d END
       FROM generate_series(1, %(articles)s) g,
            LATERAL (SELECT CASE WHEN g %% 100 = 0 THEN 'queued' WHEN g %% 100 = 1 THEN 'failed'
                                 WHEN g %% 200 = 2 THEN 'running' ELSE 'done' END s,
                            now() - ((g %% 5400) || ' seconds')::interval - ((g / 5400) || ' hours')::interval c,
                            (1 + random() * 8) * interval '1 second' d) x""",
    "UPDATE annotations_article SET current_revision_id = id, current_job_id = id",
    """INSERT INTO annotations_item (kind, revision_id, start, "end", text, prefix, suffix, status, origin,
           score, extractor_version, facets, speaker, cue, version, dismissed, dismissal_reason,
           needs_rereview, orphaned, resolution_status, resolution_note, created_at, status_changed_at, updated_at)
       SELECT CASE WHEN k < 8 THEN 'claim' ELSE 'quote' END, a, k * 42, k * 42 + 41,
              'Unemployment fell to 4.1 percent in June.', '', '',
              CASE WHEN r < 0.7 THEN 'unverified' WHEN r < 0.9 THEN 'correct' ELSE 'disputed' END,
              'machine', round((random())::numeric, 3), 'scale', '{}',
              CASE WHEN k < 8 THEN '' ELSE 'Speaker ' || (a %% 500) END, '', 1, random() < 0.02, '', false, false,
              '', '', c, CASE WHEN r >= 0.7 THEN c + random() * 72 * interval '1 hour' END, now()
       FROM generate_series(1, %(articles)s) a, generate_series(0, 9) k,
            LATERAL (SELECT random() + 0 * a + 0 * k r, now() - ((a %% 90) || ' days')::interval c) x""",
    # Two current reviews per reviewed item; a split (correct + disputed) on one item in eight.
    """INSERT INTO annotations_review (item_id, reviewer_id, verdict, rationale, evidence, is_current, created_at)
       SELECT i.id, %(first_reviewer)s + ((i.id + n) %% 50),
              CASE WHEN n = 1 AND i.id %% 8 = 0 THEN (CASE WHEN i.status = 'correct' THEN 'disputed' ELSE 'correct' END)
                   ELSE i.status END,
              '', '[]', true, i.status_changed_at - (n || ' hours')::interval
       FROM annotations_item i, generate_series(0, 1) n WHERE i.status IN ('correct', 'disputed')""",
    # The desk page's workload and second reviews: 3 items in 10 assigned to a reviewer, and one
    # unverified item in 20 with a single correct verdict (waiting for a second review).
    "UPDATE annotations_item SET assigned_to_id = %(first_reviewer)s + (id %% 50) WHERE id %% 10 < 3",
    """INSERT INTO annotations_review (item_id, reviewer_id, verdict, rationale, evidence, is_current, created_at)
       SELECT id, %(first_reviewer)s + ((id + 7) %% 50), 'correct', '', '[]', true, created_at + interval '1 hour'
       FROM annotations_item WHERE status = 'unverified' AND id %% 20 = 0""",
    "SELECT setval(pg_get_serial_sequence('annotations_article', 'id'), %(articles)s)",
    "SELECT setval(pg_get_serial_sequence('annotations_articlerevision', 'id'), %(articles)s)",
    "SELECT setval(pg_get_serial_sequence('annotations_extractionjob', 'id'), %(articles)s)",
    "INSERT INTO annotations_workerheartbeat (hostname, seen_at) VALUES ('scale-worker', now())",
    "VACUUM ANALYZE",
]


class Command(BaseCommand):
    help = "Bulk-load a million items into a scratch PostgreSQL database and time the dashboard queries."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--items", type=int, default=1_000_000, help="How many items (10 per article).")
        parser.add_argument("--repeat", type=int, default=7, help="Timed runs of each query (after a warm-up).")
        parser.add_argument("--skip-load", action="store_true", help="Time only: the rows are already there.")

    def handle(self, *args, items: int, repeat: int, skip_load: bool, **options) -> None:
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or not str(name).startswith("factcheck_scale"):
            raise CommandError(
                "Point DATABASE_URL at a scratch PostgreSQL database named factcheck_scale* "
                f"(this one is {connection.vendor} {name!r}); it will be emptied and filled."
            )
        call_command("migrate", verbosity=0)
        if not skip_load:
            self._load(items // ITEMS_PER_ARTICLE)
        self._measure(repeat)

    def _load(self, articles: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}, annotations_article, annotations_articlerevision, "
                           "annotations_extractionjob CASCADE")
        User.objects.filter(username__startswith="scale-").delete()
        editor = User.objects.create(username="scale-editor", is_staff=True, is_superuser=True)
        editor.groups.add(Group.objects.get(name="editor"))
        reviewers = [User.objects.create(username=f"scale-reviewer-{n:02d}") for n in range(REVIEWERS)]
        params = {"articles": articles, "editor": editor.pk, "first_reviewer": reviewers[0].pk}
        self.stdout.write(f"Loading {articles} articles, {articles * ITEMS_PER_ARTICLE} items ...")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in GENERATE:
                step = time.perf_counter()
                cursor.execute(statement, params)
                self.stdout.write(f"  {time.perf_counter() - step:7.1f} s  {' '.join(statement.split())[:80]}")
        self.stdout.write(f"Loaded in {time.perf_counter() - started:.0f} s.")

    def _measure(self, repeat: int) -> None:
        now = timezone.now()
        self.stdout.write(
            f"\nRows: {Item.objects.count()} items, {Review.objects.count()} reviews.\n"
            f"{'query':46s} {'p50 ms':>8s} {'max ms':>8s} {'queries':>7s}  indexes used"
        )
        editor = User.objects.get(username="scale-editor")
        client = Client()
        client.force_login(editor)

        def page(path: str) -> Callable[[], None]:
            def fetch() -> None:
                response = client.get(path)
                assert response.status_code == 200, f"{path} answered {response.status_code}"

            return fetch

        claims = "/admin/annotations/claim/"
        yesterday = (timezone.localdate(now) - dt.timedelta(days=1)).isoformat()
        cases: list[tuple[str, Callable[[], object]]] = [
            ("items by kind and status", figures.items_by_status),
            ("unverified backlog by age and score", lambda: figures.unverified_backlog(now=now)),
            ("median time to verdict", figures.time_to_verdict),
            ("reviews per reviewer, 7 and 30 days", lambda: figures.reviews_per_reviewer(now=now)),
            ("disagreement rate", figures.disagreement),
            ("queue health (jobs, oldest, p50/p95, beat)", lambda: figures.queue_health(now=now)),
            ("desk: waiting for a second review", workload.waiting_second_by_kind),
            ("desk: open workload per reviewer", workload.open_workload_by_reviewer),
            ("desk: decided and backlog per day, 30 days", lambda: workload.daily_flow(now=now)),
            ("desk figures refresh (beat's task)", desk_snapshot_refresh),
            ("dashboard page, fresh snapshot", page("/admin/dashboard/")),
            ("editors' desk page /review/desk/, fresh", page("/review/desk/")),
            ("desk page, articles page 40", page("/review/desk/?page=40")),
            ("API claims: waiting for a second review", page("/api/v1/claims/?waiting_second=true&dismissed=false")),
            ("API claims: a reviewer's workload", page("/api/v1/claims/?workload=scale-reviewer-07")),
            ("API claims: decided yesterday", page(f"/api/v1/claims/?decided_on={yesterday}&dismissed=false")),
            ("API claims: unverified at end of yesterday",
             page(f"/api/v1/claims/?unverified_at={yesterday}&dismissed=false")),
            ("review desk article list /review/", page("/review/")),
            ("admin claims list", page(claims)),
            ("admin claims: unverified, score high", page(claims + "?status__exact=unverified&score=high")),
            ("admin claims: assigned to nobody, > 30 days", page(claims + "?assigned=nobody&age=older")),
            ("admin claims: search 'unemployment'", page(claims + "?q=unemployment")),
            ("admin extraction jobs: failed", page("/admin/annotations/extractionjob/?status__exact=failed")),
        ]
        for label, run in cases:
            self._time(label, run, repeat)

    def _time(self, label: str, run: Callable[[], object], repeat: int) -> None:
        run()  # warm the cache and the connection
        samples = []
        with CaptureQueriesContext(connection) as captured:
            for _ in range(repeat):
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries) // repeat
        indexes: set[str] = set()
        seq_scans: set[str] = set()
        for query in captured.captured_queries[:queries]:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            indexes |= set(re.findall(r"(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", plan))
            seq_scans |= {t for t in re.findall(r"Seq Scan on (\w+)", plan) if t.startswith("annotations_item")}
        reset_queries()
        scans = f"  SEQ SCAN {sorted(seq_scans)}" if seq_scans else ""
        self.stdout.write(
            f"{label:46s} {statistics.median(samples):8.1f} {max(samples):8.1f} {queries:7d}  "
            f"{', '.join(sorted(indexes))}{scans}"
        )
