"""The hand-labelled news sentence files beside this module (``news_labels.tsv``,
``news_check_labels.tsv``): tab-separated ``article, start, end, label`` rows after ``#`` comment
lines, offsets into the PolNeAR article files, no text. Read by ``train.py`` and by
``benchmarks/news_claims.py``; plain Python, no training dependency."""

from __future__ import annotations

import csv
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def label_rows(path: Path) -> list[tuple[str, int, int, int]]:
    """``(article, start, end, label)`` per labelled sentence, in file order."""
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [(row["article"], int(row["start"]), int(row["end"]), int(row["label"])) for row in rows]
