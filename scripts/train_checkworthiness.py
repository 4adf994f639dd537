"""Train the check-worthiness model and write it as JSON for the extraction engine.

Usage (from the project root, with scikit-learn installed in a training environment; the
service itself never needs it):

    python scripts/train_checkworthiness.py --data ../shared/datasets/checkworthiness

Reads ``ct24_english_train.tsv`` (CheckThat! 2024 Task 1, columns Sentence_id, Text,
class_label) from ``--data``, picks the regularisation strength and the claim threshold by
5-fold cross-validation on the training split only (F1 of the "Yes" class), fits the final
logistic regression on the whole training split and writes
``workers/extraction/models/checkworthiness.json``: plain JSON, no pickle. The dev split, when
present, is scored once at the end for information; it takes no part in any choice.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from workers.extraction.checkworthiness import MODEL_PATH, sentence_features  # noqa: E402

REGULARISATION_GRID = (1.0, 3.0, 10.0)
# Weights smaller than this change no decision; dropping them keeps the shipped file small.
PRUNE_BELOW = 0.05


def load_split(data_dir: Path, split: str) -> tuple[list[str], np.ndarray]:
    """Sentences and 0/1 labels of one CheckThat! split."""
    with open(data_dir / f"ct24_english_{split}.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row["Text"] for row in rows], np.array([row["class_label"] == "Yes" for row in rows], dtype=int)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The score threshold with the highest F1 of the positive class, and that F1."""
    candidates = np.unique(np.round(scores, 3))
    best = (0.5, -1.0)
    for threshold in candidates:
        f1 = f1_score(labels, scores >= threshold)
        if f1 > best[1]:
            best = (float(threshold), float(f1))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with ct24_english_train.tsv")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model JSON")
    args = parser.parse_args()

    sentences, labels = load_split(args.data, "train")
    vectorizer = DictVectorizer()
    matrix = normalize(vectorizer.fit_transform([dict.fromkeys(sentence_features(s), 1) for s in sentences]))

    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(matrix, labels))
    results = []
    for regularisation in REGULARISATION_GRID:
        out_of_fold = np.zeros(len(labels))
        for train_rows, test_rows in folds:
            model = LogisticRegression(C=regularisation, max_iter=3000, class_weight="balanced")
            model.fit(matrix[train_rows], labels[train_rows])
            out_of_fold[test_rows] = model.predict_proba(matrix[test_rows])[:, 1]
        threshold, f1 = best_threshold(out_of_fold, labels)
        print(f"C={regularisation}: cross-validated F1 {f1:.3f} at threshold {threshold:.3f}", flush=True)
        results.append((f1, regularisation, threshold))
    cv_f1, regularisation, threshold = max(results)

    model = LogisticRegression(C=regularisation, max_iter=3000, class_weight="balanced").fit(matrix, labels)
    weights = {
        name: round(float(weight), 4)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(weight) >= PRUNE_BELOW
    }
    weights["<intercept>"] = round(float(model.intercept_[0]), 4)
    payload = {
        "format": "checkworthiness-linear-1",
        "trained_on": "CheckThat! 2024 Task 1 English, train split",
        "cross_validated_f1": round(cv_f1, 4),
        "regularisation": regularisation,
        "threshold": round(threshold, 4),
        "weights": dict(sorted(weights.items())),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, {len(weights)} weights)")

    if (args.data / "ct24_english_dev.tsv").exists():
        from workers.extraction.checkworthiness import load_model

        shipped = load_model(args.out)
        dev_sentences, dev_labels = load_split(args.data, "dev")
        predicted = np.array([shipped.score(s) >= shipped.threshold for s in dev_sentences])
        print(f"dev F1 of the shipped model at its threshold: {f1_score(dev_labels, predicted):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
