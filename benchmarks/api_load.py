"""API under load: 50 concurrent clients against gunicorn, each endpoint beside a bare Django view.

    python -m benchmarks.api_load [--database-url postgres://postgres@127.0.0.1:5432/factcheck_bench]
                                  [--cache-url redis://127.0.0.1:6379/11 | --cache-url none]

Seeds a scratch PostgreSQL database (articles of about 800 words with their claims and quotes,
50 reviewers), starts the service under gunicorn with the benchmark URLconf, and runs wrk for
each scenario: the bare view (the framework's ceiling on this server), article detail, the
article's claims, the reviewer queue, review submission with If-Match, and a desk mix (queue
reads with one review in every ten requests). Reports requests per second, p50/p95/p99, and each
endpoint's throughput as a share of the bare view's. ``--only NAME`` runs one scenario beside the
bare view.

The server runs as docker-compose runs it, with a Redis cache (emptied first), so the API's read
cache (``annotations/readcache/``) is on; ``--cache-url none`` measures without it.
"""

from __future__ import annotations

import argparse
import os
import random

import redis

from benchmarks import harness

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
DEFAULT_CACHE = "redis://127.0.0.1:6379/11"
SENTENCES = [
    "The ministry said unemployment fell to {n}.{m} percent in {month}, the lowest level since {year}.",
    "Exports rose by {n} percent to {m} billion euros, according to the statistics office.",
    "The council approved a budget of {n} million for {m} new schools on {month} {n}.",
    "Officials reported {n},{m}00 new cases in the region during {month}.",
    "The company plans to hire {n}00 workers at its plant in the north by {year}.",
    "Prices of fuel climbed {n} percent in a single week, drivers' associations said.",
    "\u201cWe will not accept cuts of {n} percent,\u201d the union leader said on {month} {m}.",
    "Turnout reached {n}.{m} percent, up from {m} percent in {year}.",
]
MONTHS = ["January", "March", "June", "September", "November"]


def article_body(rng: random.Random, words: int = 800) -> str:
    sentences, count = [], 0
    while count < words:
        template = rng.choice(SENTENCES)
        sentence = template.format(n=rng.randint(2, 99), m=rng.randint(1, 9), month=rng.choice(MONTHS),
                                   year=rng.randint(1990, 2024))
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def seed(*, articles: int, reviewers: int, rng: random.Random) -> dict:
    """Articles with claims (one per sentence) and quotes, reviewers with tokens. Returns ids."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from annotations.models import Article, ArticleRevision, ExtractionJob, Item
    from annotations.rules.spans import content_hash

    editor = User.objects.create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    reviewer_group = Group.objects.get(name="reviewer")
    tokens = []
    for number in range(reviewers):
        user = User.objects.create(username=f"bench-reviewer-{number}")
        user.groups.add(reviewer_group)
        tokens.append(Token.objects.create(user=user).key)
    article_ids, claim_ids = [], []
    for number in range(articles):
        body = article_body(rng)
        article = Article.objects.create(title=f"Benchmark article {number}", ingest_key=f"bench:{number}",
                                         added_by=editor)
        revision = ArticleRevision.objects.create(article=article, number=1, body=body, content_hash=content_hash(body))
        job = ExtractionJob.objects.create(article=article, revision=revision, status="done")
        article.current_revision, article.current_job = revision, job
        article.save(update_fields=["current_revision", "current_job"])
        items, position = [], 0
        for sentence in body.replace("\n\n", " ").split(". "):
            start = body.find(sentence, position)
            if start < 0 or len(sentence) < 20:
                continue
            end = start + len(sentence)
            position = end
            items.append(Item(kind="claim", revision=revision, start=start, end=end, text=body[start:end],
                              prefix=body[max(0, start - 32) : start], suffix=body[end : end + 32],
                              score=round(rng.random(), 3), extractor_version="bench"))
        created = Item.objects.bulk_create(items)
        article_ids.append(article.pk)
        claim_ids.extend(item.pk for item in created)
    return {"articles": article_ids, "claims": claim_ids, "tokens": tokens}


def with_versions(script: str, env: dict[str, str], claim_ids: list[int]) -> dict[str, str]:
    """The environment of one wrk run. A script that reviews gets ``BENCH_IDS`` as ``id:version``
    pairs read now: each run starts from the claims' current versions (earlier runs reviewed
    them), so an If-Match is stale only when another connection changed the claim."""
    if script not in ("review.lua", "desk_mix.lua"):
        return env
    from annotations.models import Item

    versions = dict(Item.objects.filter(pk__in=claim_ids).values_list("pk", "version"))
    return {**env, "BENCH_IDS": ",".join(f"{pk}:{versions[pk]}" for pk in claim_ids)}


def run(
    *, database_url: str, cache_url: str, seconds: int, connections: int, workers: int, only: list[str] | None = None
) -> dict:
    rng = random.Random(7)
    if cache_url == "none":
        os.environ.pop("CACHE_URL", None)
        os.environ["API_READ_CACHE"] = "false"
    else:
        os.environ["CACHE_URL"] = cache_url
        redis.Redis.from_url(cache_url).flushdb()
    harness.fresh_database(database_url)
    harness.django_setup(database_url)
    data = seed(articles=200, reviewers=50, rng=rng)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather after a load
    ids = ",".join(map(str, data["articles"]))
    tokens = ",".join(data["tokens"])
    claims = rng.sample(data["claims"], min(8000, len(data["claims"])))
    scenarios = {
        "bare Django view": ("get_rotating.lua", {"BENCH_PATH": "/bench/bare/", "BENCH_IDS": "0"}),
        "article detail": ("get_rotating.lua", {"BENCH_PATH": "/api/v1/articles/{id}/", "BENCH_IDS": ids,
                                                "BENCH_TOKENS": tokens}),
        "article claims (page of 50)": ("get_rotating.lua", {"BENCH_PATH": "/api/v1/articles/{id}/claims/",
                                                             "BENCH_IDS": ids, "BENCH_TOKENS": tokens}),
        "reviewer queue": ("get_rotating.lua", {"BENCH_PATH": "/api/v1/queue/", "BENCH_IDS": "0",
                                                "BENCH_TOKENS": tokens}),
        "review submission": ("review.lua", {"BENCH_TOKENS": tokens}),
        "queue, 1 review per 10 requests": ("desk_mix.lua", {"BENCH_TOKENS": tokens,
                                                              "BENCH_WRITE_EVERY": "10"}),
    }
    if only:
        scenarios = {name: spec for name, spec in scenarios.items() if name == "bare Django view" or name in only}
    results = {}
    with harness.gunicorn(database_url, workers=workers) as base:
        harness.wrk(base, "get_rotating.lua", seconds=2, connections=connections, BENCH_PATH="/bench/bare/")  # warm-up
        for name, (script, env) in scenarios.items():
            if script in ("get_rotating.lua", "desk_mix.lua"):
                # Reads are measured warm: each article has been read once since it last changed,
                # as on a desk where many people open the same articles (a cold read costs what
                # the figures without the cache show). In the mix, reviews keep changing the desk.
                harness.wrk(base, script, seconds=3, connections=connections, **with_versions(script, env, claims))
            results[name] = harness.wrk(base, script, seconds=seconds, connections=connections,
                                        **with_versions(script, env, claims))
            print(name, results[name], flush=True)
    ceiling = results["bare Django view"]["rps"]
    for figures in results.values():
        figures["share_of_bare"] = round(figures["rps"] / ceiling, 3)
    return {
        "benchmark": "api_load",
        "machine": harness.machine(),
        "server": f"gunicorn, {workers} sync workers; wrk, {connections} connections, {seconds} s per scenario",
        "database": "PostgreSQL (scratch database), 200 articles of ~800 words, ~9,000 claims, 50 reviewers",
        "cache": "none (read cache off)" if cache_url == "none" else f"Redis ({cache_url}), read cache on",
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE, help='a Redis URL, or "none" for no shared cache')
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument(
        "--only", action="append", metavar="SCENARIO", help="run only this scenario (and the bare view); repeatable"
    )
    args = parser.parse_args()
    figures = run(database_url=args.database_url, cache_url=args.cache_url, seconds=args.seconds,
                  connections=args.connections, workers=args.workers, only=args.only)
    print(harness.save("api_load", figures))


if __name__ == "__main__":
    main()
