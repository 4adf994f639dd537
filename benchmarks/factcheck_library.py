"""The fact-check library at scale: import speed, and matching one claim against it in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB python -m benchmarks.factcheck_library [--records 100000]

Against a migrated database it may empty (its FactCheck table is cleared first). Steps:

1. writes ``--records`` ClaimReview JSON Lines records (synthetic claims over a 4,000-word vocabulary)
   and times ``manage.py import_factchecks`` on them, then a second run (which must import nothing);
2. counts the search words and merges the search index (the worker's task after an import), then
   for ``--queries`` claims (paraphrases of library rows), times the candidate query
   (``factcheck_candidates``: the database's full-text search, its ``LIMIT 50``) = database time;
3. embeds the candidates those queries return (as the embedding task would have) and times the
   worker's whole step per claim: candidates, ``rank()`` with the stored vectors, one thread;
4. stores ``--articles`` articles of ``--claims`` claims each (paraphrases again) and times their
   matching runs (``match_job_run``, as the task runs them, matches stored) in this one process:
   articles per second that one matching worker process keeps up with;
5. with ``--texts DIR`` (news articles, e.g. ../shared/datasets/polnear/dev/text), extracts them
   in this same process first (``workers.extraction.extract``, the default claims mode): the
   articles per second one extraction process gives, side by side, and their claims per article
   (used as ``--claims``), so the two rates compare like for like.

Prints one line per figure and, last, a JSON object of all of them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from annotations.models import Article, ArticleRevision, FactCheck, Item, MatchJob  # noqa: E402
from annotations.rules.spans import content_hash  # noqa: E402
from annotations.selectors.factchecks import factcheck_candidates, factcheck_match_text  # noqa: E402
from annotations.services.factchecks import factcheck_terms_refresh, factchecks_store_embeddings  # noqa: E402
from annotations.services.matching import match_job_run, match_job_start  # noqa: E402
from workers.encoder import get_encoder, vector_to_bytes  # noqa: E402
from workers.extraction import clean_text, extract, extractor_version  # noqa: E402
from workers.matching import embed_facts  # noqa: E402
from workers.matching_tasks import engine_ranker  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "pa", "ri", "mo", "gu", "fe", "ta", "bo"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def claim(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))) + f" {rng.randint(1, 99)} percent"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-import", action="store_true", help="Time the queries on the rows already there.")
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--claims", type=int, default=12, help="claims per article (the dev articles average 12-14)")
    parser.add_argument("--texts", type=Path, help="a folder of .txt articles: time their extraction side by side")
    args = parser.parse_args()
    rng = random.Random(17)
    words = vocabulary(rng)
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    claims = [claim(rng, words) for _ in range(args.records)]
    figures: dict[str, float] = {"records": args.records, "vendor": connection.vendor}
    if not args.skip_import:
        import_twice(claims, user=user, rng=rng, figures=figures)
    # What the matching worker does when an import commits (``refresh_factcheck_terms``).
    started = time.perf_counter()
    words_counted = factcheck_terms_refresh()
    figures["terms_refresh_s"] = round(time.perf_counter() - started, 2)
    print(f"search words counted and index merged: {words_counted} words in {figures['terms_refresh_s']} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows an earlier run of this benchmark deleted are still in the indexes until
            # vacuum: without it a second run's searches visited 5,736 rows for 1,719 (200 ms).
            cursor.execute("VACUUM ANALYZE annotations_factcheck")
    match_queries(claims, words=words, rng=rng, figures=figures, count=args.queries)
    per = args.claims
    if args.texts:
        per = extraction_rate(sorted(args.texts.glob("*.txt"))[: args.articles], figures=figures)
    revision_runs(claims, words=words, rng=rng, user=user, figures=figures, articles=args.articles, per=per)
    if args.texts:
        figures["matching_over_extraction"] = round(
            figures["revision_runs_articles_per_s"] / figures["extraction_articles_per_s"], 2
        )
        print(f"matching keeps up with extraction process for process: {figures['matching_over_extraction']}x "
              "(above 1: one matching process per extraction process is enough)", flush=True)
    print(json.dumps(figures))


def import_twice(claims: list[str], *, user, rng: random.Random, figures: dict) -> None:
    FactCheck.objects.all().delete()

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as feed:
        for n, text in enumerate(claims):
            feed.write(json.dumps({
                "@type": "ClaimReview", "url": f"https://checks.example/{n}", "claimReviewed": text,
                "datePublished": "2024-01-02", "author": {"name": "Bench Checkers"},
                "reviewRating": {"ratingValue": rng.randint(1, 5), "bestRating": 5, "worstRating": 1},
            }) + "\n")
    for run in ("first", "second"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_factchecks", feed.name, "--as", user.username, "--no-progress", stdout=out)
        seconds = time.perf_counter() - started
        figures[f"import_{run}_seconds"] = round(seconds, 2)
        figures[f"import_{run}_records_per_s"] = round(len(claims) / seconds)
        print(f"import ({run} run): {out.getvalue().strip()}", flush=True)
    os.unlink(feed.name)


def extraction_rate(paths: list[Path], *, figures: dict) -> int:
    """Extract ``paths`` in this process, as a worker does; returns their claims per article, rounded."""
    texts = [clean_text(path.read_text(encoding="utf-8")) for path in paths]
    extract(texts[0])  # load the claims model first: a worker loads it once
    started = time.perf_counter()
    claims = sum(len(extract(text).claims) for text in texts)
    seconds = time.perf_counter() - started
    figures["extraction_articles_per_s"] = round(len(texts) / seconds, 2)
    figures["extraction_claims_per_article"] = round(claims / len(texts), 1)
    print(f"extraction ({extractor_version()}): {len(texts)} articles in {seconds:.1f} s = "
          f"{len(texts) / seconds:.2f} articles/s in one process, {claims / len(texts):.1f} claims each", flush=True)
    return max(1, round(claims / len(texts)))


def embed_candidates(queries: list[str], encoder) -> None:
    """Store the vectors of the candidates ``queries`` find that have none of ``encoder``'s yet."""
    ids = {row.id for query in queries for row in factcheck_candidates(text=query)}
    rows = list(FactCheck.objects.filter(pk__in=ids).exclude(vector__version=encoder.version)
                .only("id", "claim_text", "title"))
    vectors = embed_facts([factcheck_match_text(claim_text=row.claim_text, title=row.title) for row in rows], encoder)
    factchecks_store_embeddings(
        vectors=[(row.pk, vector_to_bytes(v)) for row, v in zip(rows, vectors, strict=True)], version=encoder.version
    )


def paraphrase(text: str, *, words: list[str], rng: random.Random) -> str:
    tokens = text.split()
    tokens[rng.randrange(len(tokens) - 2)] = rng.choice(words)  # one word changed
    return " ".join(tokens)


def revision_runs(
    claims: list[str], *, words: list[str], rng: random.Random, user, figures: dict, articles: int, per: int
) -> None:
    texts = [[paraphrase(text, words=words, rng=rng) for text in rng.sample(claims, per)] for _ in range(articles)]
    jobs = []
    for number, sentences in enumerate(texts):
        body = " ".join(f"{sentence}." for sentence in sentences)
        article = Article.objects.create(title=f"Bench {number}", ingest_key=f"bench-match-{number}-{time.time()}",
                                         added_by=user)
        revision = ArticleRevision.objects.create(article=article, number=1, body=body, content_hash=content_hash(body))
        Article.objects.filter(pk=article.pk).update(current_revision=revision)
        offset = 0
        for sentence in sentences:
            start = body.index(sentence, offset)
            Item.objects.create(revision=revision, kind=Item.Kind.CLAIM, start=start, end=start + len(sentence),
                                text=sentence, score=0.5)
            offset = start + len(sentence)
        jobs.append(MatchJob.objects.create(revision=revision))
    encoder = get_encoder()
    # Every row of a live library has its vector (the embedding task): store those the runs will read.
    embed_candidates([sentence for sentences in texts for sentence in sentences], encoder)
    ranker, version = engine_ranker(encoder)
    started = time.perf_counter()
    stored = 0
    for job in jobs:  # as the task does: start (queued -> running), run, done
        match_job_start(job_id=job.pk)
        stored += match_job_run(job_id=job.pk, ranker=ranker, matcher_version=version)
    seconds = time.perf_counter() - started
    figures["revision_runs_articles_per_s"] = round(articles / seconds, 2)
    figures["revision_runs_claims_per_s"] = round(articles * per / seconds, 1)
    print(f"matching runs: {articles} articles of {per} claims in {seconds:.1f} s = "
          f"{articles / seconds:.2f} articles/s, {articles * per / seconds:.0f} claims/s in one process "
          f"({stored} matches stored)", flush=True)


def match_queries(claims: list[str], *, words: list[str], rng: random.Random, figures: dict, count: int) -> None:
    queries = [paraphrase(text, words=words, rng=rng) for text in rng.sample(claims, count)]
    database_ms = []
    for query in queries:
        started = time.perf_counter()
        factcheck_candidates(text=query)
        database_ms.append((time.perf_counter() - started) * 1000)
    figures["db_p50_ms"] = round(statistics.median(database_ms), 2)
    figures["db_p95_ms"] = round(percentile(database_ms, 0.95), 2)
    print(f"candidate query (LIMIT 50): p50 {figures['db_p50_ms']} ms, p95 {figures['db_p95_ms']} ms", flush=True)

    encoder = get_encoder()
    embed_candidates(queries, encoder)
    ranker, _version = engine_ranker(encoder)
    ranker(queries[0], factcheck_candidates(text=queries[0]))  # warm the session
    total_ms, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        found = ranker(query, factcheck_candidates(text=query))
        total_ms.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    figures["end_to_end_p50_ms"] = round(statistics.median(total_ms), 2)
    figures["end_to_end_p95_ms"] = round(percentile(total_ms, 0.95), 2)
    print(f"worker step (candidates + rank, stored vectors): p50 {figures['end_to_end_p50_ms']} ms, "
          f"p95 {figures['end_to_end_p95_ms']} ms ({hits}/{len(queries)} queries ranked something)", flush=True)


if __name__ == "__main__":
    main()
