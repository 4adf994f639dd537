"""What a claim's score means: the engine's check-worthiness against how often such sentences are
labelled check-worthy, on data the claim models never saw.

    python -m benchmarks.claims_calibration [--mode encoder] [--datasets ../shared/datasets] [--bins 10]

The score is meant to be a probability that reviewers can compare across articles (the review
queue sorts by it; the threshold is a setting). This measures that promise on three held-out sets:

- the re-split CheckThat! 2024 dev sentences (``ct24_english_dev.tsv``) and the organisers'
  dev-test (``ct24_english_official_devtest.tsv``), each sentence extracted on its own, as
  ``../shared/eval/score_dev.py claims`` sends them;
- the 204 hand-labelled sentences of 12 PolNeAR *dev* articles (``training/claims/
  news_check_labels.tsv``), each article extracted whole with the headline ingestion would find.

Every sentence gets the engine's score at threshold 0 (a sentence the rules never make a claim,
a byline or a headline, scores 0; a CheckThat! sentence split in two takes its higher part). Per
set: the Brier score (mean squared gap between score and label; the share of positives alone, as
a constant forecast, is printed beside it), the expected calibration error over equal-width bins
(the count-weighted mean gap between a bin's mean score and its share of claims) and the
reliability table. Nothing is fitted here. Prints the tables and, last, a JSON object. The data
is read from beside the project; without it this says so and exits 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from benchmarks.news_claims import LABELS, article_and_title, read_labels
from workers.extraction import MODES, extract

CHECKWORTHINESS_SETS = (
    ("re-split dev", "ct24_english_dev.tsv"),
    ("official dev-test", "ct24_english_official_devtest.tsv"),
)
NEWS_SET = ("news, PolNeAR dev (hand labels)", "news_check_labels.tsv")


def sentence_scores(path: Path, mode: str | None) -> list[tuple[float, int]]:
    """``(score, label)`` of each CheckThat! sentence, extracted alone."""
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            claims = extract(row["Text"], claim_threshold=0.0, mode=mode).claims
            pairs.append((max((claim.score for claim in claims), default=0.0), int(row["class_label"] == "Yes")))
    return pairs


def news_scores(texts: Path, mode: str | None) -> list[tuple[float, int]]:
    """``(score, label)`` of each labelled news sentence, its article extracted whole."""
    pairs = []
    for article, rows in sorted(read_labels(LABELS / NEWS_SET[1]).items()):
        raw, title = article_and_title(texts, article)
        claims = extract(raw, claim_threshold=0.0, mode=mode, headline=title).claims
        scored = {(claim.start, claim.end): claim.score for claim in claims}
        pairs += [(scored.get((start, end), 0.0), label) for start, end, label in rows]
    return pairs


def calibration(pairs: list[tuple[float, int]], bins: int) -> dict:
    """Brier score, expected calibration error and the reliability table of ``(score, label)`` pairs."""
    count = len(pairs)
    base = sum(label for _score, label in pairs) / count
    brier = sum((score - label) ** 2 for score, label in pairs) / count
    table, ece = [], 0.0
    for number in range(bins):
        low, high = number / bins, (number + 1) / bins
        inside = [(s, y) for s, y in pairs if low <= s < high or (number == bins - 1 and s == 1.0)]
        if not inside:
            continue
        mean_score = sum(s for s, _y in inside) / len(inside)
        observed = sum(y for _s, y in inside) / len(inside)
        ece += len(inside) / count * abs(mean_score - observed)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "sentences": len(inside), "mean_score": round(mean_score, 3),
                      "share_claims": round(observed, 3)})
    return {"sentences": count, "share_claims": round(base, 3), "brier": round(brier, 4),
            "brier_constant": round(base * (1 - base), 4), "ece": round(ece, 4), "reliability": table}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--mode", choices=MODES, default=None, help="claims mode (default: $CLAIMS_MODE, else encoder)")
    parser.add_argument("--bins", type=int, default=10)
    args = parser.parse_args(argv)
    folder, polnear = args.datasets / "checkworthiness", args.datasets / "polnear" / "dev" / "text"
    if not folder.is_dir() or not polnear.is_dir():
        print(f"{folder} or {polnear} is not there: the data is read from beside the project", file=sys.stderr)
        return 2
    sets = {name: sentence_scores(folder / file_name, args.mode) for name, file_name in CHECKWORTHINESS_SETS}
    sets[NEWS_SET[0]] = news_scores(polnear, args.mode)
    results = {name: calibration(pairs, args.bins) for name, pairs in sets.items()}
    for name, figures in results.items():
        print(f"\n{name}: {figures['sentences']} sentences, {figures['share_claims']:.1%} claims; Brier "
              f"{figures['brier']:.4f} (constant forecast {figures['brier_constant']:.4f}), ECE {figures['ece']:.4f}")
        print(f"  {'score':<9} {'sentences':>9} {'mean score':>10} {'share claims':>12}")
        for row in figures["reliability"]:
            print(f"  {row['bin']:<9} {row['sentences']:>9} {row['mean_score']:>10.3f} {row['share_claims']:>12.3f}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
