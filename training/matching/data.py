"""The CLEF 2020 CheckThat! Task 2 files, read as ../shared/eval/score_dev.py reads them.

Only ``train`` and ``dev`` exist there; the test split is held out and must never be used for
tuning.
"""

from __future__ import annotations

import csv
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "claim-matching"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


def load_facts(data: Path = DEFAULT_DATA) -> list[dict]:
    rows = _rows(data / "verified_claims.tsv")[1:]
    return [{"id": r[0], "claim": r[1], "title": r[2] if len(r) > 2 else ""} for r in rows]


def load_split(split: str, data: Path = DEFAULT_DATA) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(queries by id, gold fact ids by query id), for the queries that have gold pairs."""
    if split not in ("train", "dev"):
        raise SystemExit("only train and dev may be used")
    queries = {r[0]: r[1] for r in _rows(data / split / "tweets.queries.tsv")[1:] if len(r) > 1}
    gold: dict[str, set[str]] = {}
    for r in _rows(data / split / "tweet-vclaim-pairs.qrels"):
        if len(r) >= 4 and r[3] == "1":
            gold.setdefault(r[0], set()).add(r[2])
    return {q: t for q, t in queries.items() if q in gold}, gold


def average_precision_at_5(ranked: list[str], gold: set[str]) -> float:
    hits = 0
    total = 0.0
    for position, fact_id in enumerate(ranked[:5], 1):
        if fact_id in gold:
            hits += 1
            total += hits / position
    return total / min(len(gold), 5)
