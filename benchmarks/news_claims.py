"""The engine's claims on news articles against the project's hand labels, as a reviewer sees them.

    python -m benchmarks.news_claims [--polnear ../shared/datasets/polnear] [--mode encoder]

``training/claims/news_labels.tsv`` (24 PolNeAR *train* articles, 413 sentences; the claim head
was fitted on them, so its figure there is in sample) and ``news_check_labels.tsv`` (12 PolNeAR
*dev* articles, 204 sentences, never trained on) give, by offsets into each article's file, the
sentences a newsroom reviewer would check (1) or not (0) under ``../shared/claims-rubric.md``.
Each article is extracted whole (the raw file, whose offsets the labels use), with the headline
that ingestion finds in its cleaned text as the title (``workers.extraction.headline``), and once
more without a title, so the two rows show what the headline rule changes. A labelled sentence is predicted
a claim when the engine returns a claim with its exact offsets. Prints a table and, last, a JSON
object. PolNeAR is not part of the project: without it this says so and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from workers.extraction import MODES, clean_text, extract
from workers.extraction.headline import headline_and_byline

LABELS = Path(__file__).resolve().parents[1] / "training" / "claims"
# The label files' reader lives beside them (appended: nothing of the project is shadowed).
sys.path.append(str(LABELS))
from labelfiles import label_rows  # noqa: E402

SETS = (("news_labels.tsv", "train", "train labels (fitted on)"), ("news_check_labels.tsv", "dev", "held out"))


def read_labels(path: Path) -> dict[str, list[tuple[int, int, int]]]:
    """``{article: [(start, end, label), ...]}`` from a label file."""
    rows: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for article, start, end, label in label_rows(path):
        rows[article].append((start, end, label))
    return rows


def figures(pairs: list[tuple[int, int]]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, and the share flagged, from (label, predicted)."""
    tp = sum(1 for label, predicted in pairs if label and predicted)
    flagged = sum(predicted for _label, predicted in pairs)
    positive = sum(label for label, _predicted in pairs)
    precision = tp / flagged if flagged else 0.0
    recall = tp / positive if positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"sentences": len(pairs), "positive": positive, "flagged": flagged, "P": round(precision, 3),
            "R": round(recall, 3), "F1": round(f1, 3), "flagged_share": round(flagged / len(pairs), 3)}


def article_and_title(texts: Path, article: str) -> tuple[str, str]:
    """A labelled article's raw text (the labels' offsets are into it) and the headline that
    ingestion finds in its cleaned text, the title the engine is given."""
    path = texts / f"{article}.txt"
    if not path.exists():
        raise SystemExit(f"{path} is missing: point the command at the PolNeAR folder")
    raw = path.read_text(encoding="utf-8")
    return raw, headline_and_byline(clean_text(raw))[0]


def score_set(labels: dict[str, list[tuple[int, int, int]]], texts: Path, mode: str) -> dict[str, dict]:
    pairs: dict[str, list[tuple[int, int]]] = {"with the headline rule": [], "without a title": []}
    for article, rows in sorted(labels.items()):
        raw, title = article_and_title(texts, article)
        for name, headline in (("with the headline rule", title), ("without a title", "")):
            claimed = {(claim.start, claim.end) for claim in extract(raw, mode=mode, headline=headline).claims}
            pairs[name] += [(label, int((start, end) in claimed)) for start, end, label in rows]
    return {name: figures(found) for name, found in pairs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=Path, default=Path("../shared/datasets/polnear"))
    parser.add_argument("--mode", choices=MODES, default=None, help="claims mode (default: $CLAIMS_MODE, else encoder)")
    args = parser.parse_args(argv)
    if not args.polnear.is_dir():
        print(f"{args.polnear} is not there: PolNeAR is read from beside the project, never copied in", file=sys.stderr)
        return 2
    results = {}
    print(f"{'set':<28} {'run':<24} {'sentences':>9} {'P':>6} {'R':>6} {'F1':>6} {'flagged':>8} {'labelled':>8}")
    for file_name, split, label in SETS:
        results[label] = score_set(read_labels(LABELS / file_name), args.polnear / split / "text", args.mode)
        for run, row in results[label].items():
            print(f"{label:<28} {run:<24} {row['sentences']:>9} {row['P']:>6.3f} {row['R']:>6.3f} {row['F1']:>6.3f} "
                  f"{row['flagged_share']:>8.0%} {row['positive'] / row['sentences']:>8.0%}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
