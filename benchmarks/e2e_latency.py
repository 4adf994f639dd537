"""End to end: article POST to items readable in the API, at sustained rates, on PostgreSQL + Redis.

    python -m benchmarks.e2e_latency [--rates 5,10,15,20] [--seconds 20] [--texts ../shared/datasets/polnear/dev/text]

Starts the web API under gunicorn and one Celery worker with two processes against a scratch
PostgreSQL database and a Redis database of its own, then posts articles of about 800 words at
each rate (open loop: a post is sent on schedule whether or not earlier ones finished). The
latency of an article is from the moment its POST was sent to the moment its extraction job
committed (items and ``done`` are written in one transaction, so that is when they become
readable). A rate counts as sustained when every article is done within 2 s of the last post.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks import harness
from benchmarks.api_load import article_body

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/factcheck_bench_e2e"
DEFAULT_BROKER = "redis://127.0.0.1:6379/14"


def texts_from(folder: Path | None, rng: random.Random, count: int, words: int = 800) -> list[str]:
    """Articles of about ``words`` words: real news from ``folder`` (*.txt) when given, else synthetic."""
    pool = []
    if folder is not None:
        for path in sorted(folder.glob("*.txt")):
            pool.extend(path.read_text(encoding="utf-8").split())
    texts = []
    for number in range(count):
        if pool:
            start = rng.randrange(0, max(1, len(pool) - words))
            body = " ".join(pool[start : start + words])
        else:
            body = article_body(rng, words)
        texts.append(f"{body}\n\nBenchmark article {number} of run {rng.random():.12f}.")
    return texts


def post(base: str, token: str, text: str) -> tuple[float, int]:
    request = urllib.request.Request(  # noqa: S310 - a local server
        f"{base}/api/v1/articles/", data=json.dumps({"text": text}).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    sent = time.time()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return sent, json.loads(response.read())["id"]


def run_rate(base: str, token: str, texts: list[str], rate: float) -> dict:
    from annotations.models import ExtractionJob

    sent: dict[int, float] = {}
    lock = threading.Lock()
    threads = []
    start = time.monotonic()

    def send(text: str) -> None:
        at, article_id = post(base, token, text)
        with lock:
            sent[article_id] = at

    for number, text in enumerate(texts):
        delay = start + number / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=send, args=(text,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    last_post = time.time()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = ExtractionJob.objects.filter(article_id__in=sent).exclude(status__in=["done", "failed"]).count()
        if not pending:
            break
        time.sleep(0.2)
    jobs = ExtractionJob.objects.filter(article_id__in=sent).values_list("article_id", "status", "finished_at")
    latencies = sorted(finished.timestamp() - sent[article] for article, status, finished in jobs if status == "done")
    finished_last = max((finished.timestamp() for _, status, finished in jobs if finished), default=last_post)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "rate_per_s": rate,
        "articles": len(texts),
        "done": len(latencies),
        "failed": sum(1 for _, status, _ in jobs if status == "failed"),
        "p50_s": round(quantiles[49], 3),
        "p95_s": round(quantiles[94], 3),
        "p99_s": round(quantiles[98], 3),
        "drain_after_last_post_s": round(max(0.0, finished_last - last_post), 3),
        "sustained": len(latencies) == len(texts) and finished_last - last_post <= 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER)
    parser.add_argument("--rates", default="5,10,15,20")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--texts", type=Path, default=None, help="A folder of .txt news articles.")
    args = parser.parse_args()

    import redis

    redis.Redis.from_url(args.broker_url).flushdb()  # the benchmark's own Redis database
    harness.fresh_database(args.database_url)
    harness.django_setup(args.database_url)
    out = subprocess.run(
        [sys.executable, "manage.py", "adduser", "bench-editor", "--role", "editor"], cwd=harness.ROOT,
        env=harness.bench_env(args.database_url), capture_output=True, text=True, check=True,
    )
    token = out.stdout.strip().splitlines()[-1]
    env = {"CELERY_BROKER_URL": args.broker_url, "EXTRACTION_QUEUE": "bench-e2e"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--queues", "bench-e2e", "--concurrency", "2",
         "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
        cwd=harness.ROOT, env=harness.bench_env(args.database_url, **env),
    )
    rng = random.Random(11)
    results = []
    try:
        with harness.gunicorn(args.database_url, workers=3, **env) as base:
            for rate in (float(r) for r in args.rates.split(",")):
                texts = texts_from(args.texts, rng, int(rate * args.seconds))
                figures = run_rate(base, token, texts, rate)
                print(figures, flush=True)
                results.append(figures)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    from annotations.models import ExtractionJob

    version = ExtractionJob.objects.exclude(extractor_version="").values_list("extractor_version", flat=True).first()
    sustained = [r["rate_per_s"] for r in results if r["sustained"]]
    figures = {
        "benchmark": "e2e_latency",
        "machine": harness.machine(),
        "setup": "gunicorn (3 workers) + 1 Celery worker with 2 processes, PostgreSQL, Redis, all on this machine",
        "texts": str(args.texts) if args.texts else "synthetic news-like sentences",
        "extractor_version": version,
        "results": results,
        "highest_sustained_rate_per_s": max(sustained, default=None),
    }
    print(harness.save("e2e_latency", figures))
    os.environ.pop("DATABASE_URL", None)


if __name__ == "__main__":
    main()
