"""Queries at scale: 100,000 articles and 1,000,000 items in PostgreSQL.

    python -m benchmarks.scale_queries [--database-url postgres://postgres@127.0.0.1:5432/factcheck_bench_scale]

Generates the rows in SQL (generate_series; about a minute), gathers planner statistics, then
times each read the API makes for its list, filter and queue endpoints, through the same
selectors and filters the views use, and prints the plan's index use (EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from benchmarks import harness

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/factcheck_bench_scale"
ARTICLES = 100_000
ITEMS_PER_ARTICLE = 10
REVIEWERS = 50

GENERATE = [
    # Articles, one revision each, one extraction job each (2% queued, 1% failed).
    """INSERT INTO annotations_article (id, title, source_url, publisher, byline, language, ingest_key,
           added_by_id, blind_review, created_at, updated_at)
       SELECT g, 'Article ' || g || ' on ' || (ARRAY['jobs','prices','exports','crime','turnout'])[g %% 5 + 1],
              '', (ARRAY['Daily','Herald','Wire'])[g %% 3 + 1], '', 'en', 'scale:' || g, %(editor)s, false,
              now() - (g || ' seconds')::interval, now()
       FROM generate_series(1, %(articles)s) g""",
    """INSERT INTO annotations_articlerevision (id, article_id, number, body, content_hash, created_at)
       SELECT g, g, 1, repeat('Unemployment fell to 4.1 percent in June. ', 12), md5(g::text), now()
       FROM generate_series(1, %(articles)s) g""",
    """INSERT INTO annotations_extractionjob (id, article_id, revision_id, source_url, status, attempts,
           last_error, extractor_version, created_at, updated_at, finished_at)
       SELECT g, g, g, '', CASE WHEN g %% 50 = 0 THEN 'queued' WHEN g %% 97 = 0 THEN 'failed' ELSE 'done' END,
              1, '', 'bench', now() - (g || ' seconds')::interval, now(), now()
       FROM generate_series(1, %(articles)s) g""",
    "UPDATE annotations_article SET current_revision_id = id, current_job_id = id",
    # Ten items per article: 8 claims and 2 quotes; 80% unverified, the rest correct or disputed.
    """INSERT INTO annotations_item (kind, revision_id, start, "end", text, prefix, suffix, status, origin,
           score, extractor_version, facets, speaker, cue, version, dismissed, dismissal_reason,
           needs_rereview, orphaned, resolution_status, resolution_note, created_at, updated_at)
       SELECT CASE WHEN k < 8 THEN 'claim' ELSE 'quote' END, a, k * 42, k * 42 + 41,
              'Unemployment fell to 4.1 percent in June.', '', '',
              CASE WHEN r < 0.8 THEN 'unverified' WHEN r < 0.9 THEN 'correct' ELSE 'disputed' END,
              'machine', round((random())::numeric, 3), 'bench', '{}',
              CASE WHEN k < 8 THEN '' ELSE 'Speaker ' || (a %% 500) END, '', 1, false, '', false, false, '', '',
              now() - (a || ' seconds')::interval, now()
       FROM generate_series(1, %(articles)s) a, generate_series(0, %(last_item)s) k, LATERAL (SELECT random() r) x""",
    "SELECT setval(pg_get_serial_sequence('annotations_article', 'id'), %(articles)s)",
    "SELECT setval(pg_get_serial_sequence('annotations_articlerevision', 'id'), %(articles)s)",
    "SELECT setval(pg_get_serial_sequence('annotations_extractionjob', 'id'), %(articles)s)",
    "ANALYZE",
]


def generate() -> None:
    from django.contrib.auth.models import Group, User
    from django.db import connection

    editor = User.objects.create(username="scale-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    reviewers = Group.objects.get(name="reviewer")
    for number in range(REVIEWERS):
        User.objects.create(username=f"scale-reviewer-{number}").groups.add(reviewers)
    params = {"editor": editor.pk, "articles": ARTICLES, "last_item": ITEMS_PER_ARTICLE - 1}
    with connection.cursor() as cursor:
        for statement in GENERATE:
            started = time.perf_counter()
            cursor.execute(statement, params)
            print(f"  {time.perf_counter() - started:6.1f} s  {' '.join(statement.split())[:70]}", flush=True)


def timed(name: str, run, explain, repeat: int = 30) -> dict:
    """p50/p95 of ``run()`` (which must evaluate its queries) and the indexes its plan uses."""
    run()  # warm the connection and the cache
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(samples, n=20)
    plan = explain()
    indexes = sorted(set(re.findall(r"(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", plan)))
    figures = {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(quantiles[18], 2),
        "indexes": indexes,
        "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", plan))),
    }
    print(f"{name:44s} p50 {figures['p50_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms  {indexes}", flush=True)
    return figures


def measure() -> dict:
    from django.contrib.auth.models import User

    from annotations import selectors
    from annotations.api.filters import ArticleFilter, ItemFilter
    from annotations.models import Article, Item
    from factcheck.api.pagination import CappedCountPaginator, Pagination

    reviewer = User.objects.get(username="scale-reviewer-7")
    article = Article.objects.get(pk=ARTICLES // 2)
    page_size = Pagination.page_size

    def total(queryset) -> int:
        return CappedCountPaginator(queryset, page_size).count  # what the API's pagination counts

    def articles(params):
        return ArticleFilter(params, queryset=selectors.article_list()).qs

    def claims(params, ordering=("id",)):
        return ItemFilter(params, queryset=selectors.item_list(kind=Item.Kind.CLAIM)).qs.order_by(*ordering)

    def listing(make, size=page_size, count=False):
        """A page of ``make()`` (and its capped total), and the plan of that page's query."""

        def run():
            page = list(make()[:size])
            if count:
                selectors.item_counts(revision_ids=[row.current_revision_id for row in page], reader=reviewer)
                total(make())

        return run, lambda: make()[:size].explain(analyze=True)

    cases = {
        "article list, page 1 (+ counts, total)": listing(lambda: articles({}), count=True),
        "article list, status=failed": listing(lambda: articles({"status": "failed"}), count=True),
        "article list, search in title": listing(lambda: articles({"search": "Article 4242 "}), count=True),
        "claims, page 1 (+ total)": (
            lambda: (list(claims({})[:page_size]), total(claims({}))),
            lambda: claims({})[:page_size].explain(analyze=True),
        ),
        "claims, status=disputed & min_score=0.9 by score": listing(
            lambda: claims({"status": ["disputed"], "min_score": "0.9"}, ("-score",))
        ),
        "claims of one article": listing(lambda: selectors.items_of_article(article=article, kind=Item.Kind.CLAIM)),
        "reviewer queue (first 20)": listing(lambda: selectors.review_queue(user=reviewer), size=20),
    }
    return {name: timed(name, run, explain) for name, (run, explain) in cases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--reuse", action="store_true", help="Measure an already generated database.")
    args = parser.parse_args()
    if not args.reuse:
        harness.fresh_database(args.database_url)
    harness.django_setup(args.database_url)
    if not args.reuse:
        generate()
    results = measure()
    figures = {
        "benchmark": "scale_queries",
        "machine": harness.machine(),
        "rows": {"articles": ARTICLES, "items": ARTICLES * ITEMS_PER_ARTICLE},
        "results": results,
    }
    print(harness.save("scale_queries", figures))


if __name__ == "__main__":
    main()
