"""How often the database's candidate search keeps the right fact-check: CLEF 2020 CheckThat! Task 2.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB python -m benchmarks.candidate_recall \\
        [--data ../shared/datasets/claim-matching] [--split train] [--budgets 0,2000,200]

Against a migrated database it may empty (its FactCheck table is replaced by the 10,373 Snopes
fact-checks of the data). For each tweet of ``--split`` (train by default: the budget was chosen
on it; dev is the engine's scored split, the test split is never read), the search's 50
candidates are compared with the fact-checks the organisers paired with the tweet: recall@50 is
the share of tweets whose fact-check is among them, recall@10 among the first ten.

``--rank``: also embed the library (stored as the embedding task does) and rank each tweet's
candidates as the matching worker does (``engine_ranker``, the default budget): MAP@5 and
recall@5 of the product's own path, database candidates and all.

``--budgets``: the row budgets to try (``QUERY_ROW_BUDGET``; 0 = no budget, every word asked
for). The library here has 10,373 rows, so a budget of 200 leaves out words the way 2,000 does
at 100,000 rows. Prints one line per budget, then a JSON object of all of them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
django.setup()

from django.db import connection  # noqa: E402

from annotations.models import FactCheck  # noqa: E402
from annotations.selectors import factchecks as search  # noqa: E402
from annotations.services.factchecks import factcheck_terms_refresh, factchecks_store_embeddings  # noqa: E402
from workers.encoder import get_encoder, vector_to_bytes  # noqa: E402
from workers.matching import embed_facts  # noqa: E402
from workers.matching_tasks import engine_ranker  # noqa: E402

CANDIDATES = 50


def read_tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(1 << 26)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return rows[1:]  # the header


def load_library(data: Path) -> dict[str, int]:
    """The fact-checks stored as imported rows; their dataset ids -> row ids."""
    FactCheck.objects.all().delete()
    FactCheck.objects.bulk_create(
        [
            FactCheck(source="imported", claim_text=claim, title=title[:500], external_id=f"clef2020:{vclaim_id}")
            for vclaim_id, claim, title in read_tsv(data / "verified_claims.tsv")
        ],
        batch_size=1000,
    )
    factcheck_terms_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_factcheck")
    return {key.removeprefix("clef2020:"): pk for key, pk in FactCheck.objects.values_list("external_id", "id")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets/claim-matching"))
    parser.add_argument("--split", choices=["train", "dev"], default="train")
    parser.add_argument("--budgets", default="0,2000,200")
    parser.add_argument("--rank", action="store_true", help="MAP@5 through the worker's ranker too")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The row budget is PostgreSQL's: point DATABASE_URL at a PostgreSQL database.")
    ids = load_library(args.data)
    tweets = dict(read_tsv(args.data / args.split / "tweets.queries.tsv"))
    wanted: dict[str, set[int]] = {}
    for line in (args.data / args.split / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        tweet, _zero, vclaim, _one = line.split("\t")
        wanted.setdefault(tweet, set()).add(ids[vclaim])
    figures: dict[str, dict[str, float]] = {}
    default_budget = search.QUERY_ROW_BUDGET
    try:
        for budget in [int(value) for value in args.budgets.split(",")]:
            search.QUERY_ROW_BUDGET = budget or 1 << 40
            at_50 = at_10 = 0
            for tweet, text in tweets.items():
                found = [row.id for row in search.factcheck_candidates(text=text, limit=CANDIDATES)]
                at_50 += bool(wanted[tweet] & set(found))
                at_10 += bool(wanted[tweet] & set(found[:10]))
            label = str(budget or "none")
            figures[label] = {
                "recall_at_50": round(at_50 / len(tweets), 3),
                "recall_at_10": round(at_10 / len(tweets), 3),
            }
            print(f"{args.split}, budget {label}: recall@50 {figures[label]['recall_at_50']}, "
                  f"recall@10 {figures[label]['recall_at_10']} ({len(tweets)} tweets)", flush=True)
    finally:
        search.QUERY_ROW_BUDGET = default_budget
    result: dict[str, object] = {"split": args.split, "library": len(ids), "budgets": figures}
    if args.rank:
        result["ranked"] = ranked(tweets, wanted)
    print(json.dumps(result))


def ranked(tweets: dict[str, str], wanted: dict[str, set[int]]) -> dict[str, float]:
    """MAP@5 and recall@5 of the worker's whole step (candidates, then ``engine_ranker``)."""
    encoder = get_encoder()
    rows = list(FactCheck.objects.exclude(vector__version=encoder.version).only("id", "claim_text", "title"))
    for first in range(0, len(rows), 256):
        batch = rows[first : first + 256]
        texts = [search.factcheck_match_text(claim_text=row.claim_text, title=row.title) for row in batch]
        vectors = embed_facts(texts, encoder)
        factchecks_store_embeddings(
            vectors=[(row.pk, vector_to_bytes(v)) for row, v in zip(batch, vectors, strict=True)],
            version=encoder.version,
        )
    ranker, version = engine_ranker(encoder)
    average_precision = at_5 = 0.0
    for tweet, text in tweets.items():
        found = [pk for pk, _score in ranker(text, search.factcheck_candidates(text=text))][:5]
        gold = wanted[tweet]
        hits, precision = 0, 0.0
        for rank_at, pk in enumerate(found, start=1):
            if pk in gold:
                hits += 1
                precision += hits / rank_at
        average_precision += precision / min(len(gold), 5)
        at_5 += bool(gold & set(found))
    figures = {"map_at_5": round(average_precision / len(tweets), 3), "recall_at_5": round(at_5 / len(tweets), 3)}
    print(f"ranked by {version}: MAP@5 {figures['map_at_5']}, recall@5 {figures['recall_at_5']}", flush=True)
    return figures


if __name__ == "__main__":
    main()
