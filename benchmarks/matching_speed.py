"""Speed of the claim matcher: encoder load, embedding throughput, rank() over stored vectors, FactIndex build.

    python -m benchmarks.matching_speed --facts FACTS.jsonl [--queries 200] [--skip-build]

``FACTS.jsonl`` holds ``{"id", "claim", "title"?}`` records (the 10,373 Snopes fact-checks of the
claim-matching data, for example). One process, one onnxruntime thread, as a worker runs it.
Prints one line per figure and, last, a JSON object of all of them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from workers.encoder import MODEL_FOLDER, load_encoder
from workers.matching import Candidate, FactIndex, embed_facts, fact_text, rank
from workers.matching.cli import read_facts

CANDIDATES = 50


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-build", action="store_true", help="leave out the FactIndex build")
    args = parser.parse_args()
    facts = list(read_facts(args.facts))
    figures: dict[str, float] = {}

    loads = []
    for _ in range(3):
        started = time.perf_counter()
        encoder = load_encoder(MODEL_FOLDER)
        loads.append(time.perf_counter() - started)
    figures["encoder_load_s"] = round(min(loads), 3)
    print(f"encoder {encoder.version} load (checksums included): {min(loads) * 1000:.0f} ms (best of 3)")

    sample = [fact_text(fact) for fact in facts[:1000]]
    started = time.perf_counter()
    vectors = embed_facts(sample, encoder)
    seconds = time.perf_counter() - started
    figures["embed_sentences_per_s"] = round(len(sample) / seconds, 1)
    print(f"embed: {len(sample) / seconds:.0f} fact-checks/s ({len(sample)} in {seconds:.1f} s)")

    timings = []
    for query_row in range(args.queries):
        first = (query_row * 7) % (len(sample) - CANDIDATES)
        candidates = [
            Candidate(str(row), sample[row], lexical=1.0 / (1 + row - first), embedding=vectors[row])
            for row in range(first, first + CANDIDATES)
        ]
        query = facts[(query_row * 13) % len(facts)]["claim"]
        started = time.perf_counter()
        rank(query, candidates, encoder=encoder)
        timings.append((time.perf_counter() - started) * 1000)
    figures["rank_50_p50_ms"] = round(statistics.median(timings), 2)
    figures["rank_50_p95_ms"] = round(percentile(timings, 0.95), 2)
    print(
        f"rank() over {CANDIDATES} stored vectors: p50 {figures['rank_50_p50_ms']} ms, "
        f"p95 {figures['rank_50_p95_ms']} ms ({args.queries} claims)"
    )

    if not args.skip_build:
        started = time.perf_counter()
        index = FactIndex.build(facts, encoder=encoder)
        figures["fact_index_build_s"] = round(time.perf_counter() - started, 1)
        print(f"FactIndex.build of {len(index)} fact-checks: {figures['fact_index_build_s']} s")
        searches = []
        for query_row in range(args.queries):
            query = facts[(query_row * 13) % len(facts)]["claim"]
            started = time.perf_counter()
            index.search(query)
            searches.append((time.perf_counter() - started) * 1000)
        figures["fact_index_search_p95_ms"] = round(percentile(searches, 0.95), 2)
        print(f"FactIndex.search p95: {figures['fact_index_search_p95_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
