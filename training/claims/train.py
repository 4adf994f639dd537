"""Train the encoder-mode claim head and write ``workers/extraction/models/claims_head.json``.

Usage (from the project root, in a training environment with scikit-learn; see
``requirements-train.txt`` beside this file; the service itself never needs scikit-learn):

    nice python training/claims/train.py --data ../shared/datasets/checkworthiness

The head scores a sentence from two inputs: the claims encoder's unit vector (384 numbers,
from ``workers/extraction/models/claims_encoder``, MiniLM fine-tuned by ``finetune.py`` on 85% of
train) and the logit of the sparse model's score (``workers.extraction.checkworthiness``).
Everything is chosen on training data only: the 15% of the CheckThat! train split the encoder was
not tuned on (``finetune.holdout_split``), so the head meets vectors as the encoder gives them for
new text, and the news sentences of PolNeAR *train* articles labelled here with the claims rubric
(``news_labels.tsv``, offsets only; texts read from ``--news-text``), so that it learns what a
newsroom calls a claim, not only what a debate's annotators did. Folds keep a news article's
sentences together. The encoder's manifest must name the same holdout (``check_holdout``).

1. out-of-fold sparse scores: the sparse model (same features, same C as shipped) is refitted
   on 4/5 of train and scores the other 1/5, five times, so the head never sees a sparse score
   of a sentence the sparse model was fitted on;
2. the head's regularisation C by 5-fold cross-validated average precision;
3. a Platt scaling (a, b) of the head's out-of-fold decision values, so the score is a
   calibrated 0..1 probability;
4. the claim threshold: the calibrated score with the best out-of-fold F1 of the "Yes" class.

Then the head is refitted on all of it and written as plain JSON (no pickle) with the
SHA-256 of the encoder model and of the sparse model it was trained against, and a SHA-256 of
its own numbers, all checked when the engine loads it. The dev splits, when present, are scored
once at the end for information; they take no part in any choice.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.preprocessing import normalize

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))

sys.path.insert(0, str(PROJECT_ROOT / "training" / "claims"))

from finetune import holdout_digest, holdout_split, load_split  # noqa: E402
from labelfiles import label_rows  # noqa: E402

from workers.encoder import load_encoder  # noqa: E402
from workers.encoder.manifest import MANIFEST_NAME  # noqa: E402
from workers.extraction.checkworthiness import MODEL_PATH as SPARSE_PATH  # noqa: E402
from workers.extraction.checkworthiness import load_model, sentence_features  # noqa: E402
from workers.extraction.claimhead import (  # noqa: E402
    CLAIMS_ENCODER_FOLDER,
    HEAD_PATH,
    ClaimHead,
    ClaimModelUnavailable,
    load_head,
    weights_digest,
)
from workers.extraction.scoring import load_encoder_scorer  # noqa: E402

SEED = 0
FOLDS = 5
SPARSE_C = 3.0  # as shipped (scripts/train_checkworthiness.py chose it by CV)
HEAD_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
DEV_SPLITS = ("dev", "official_dev", "official_devtest")
NEWS_LABELS = Path(__file__).resolve().parent / "news_labels.tsv"
# Sentences of PolNeAR dev articles, labelled the same way: scored once at the end, never fitted on.
NEWS_CHECK_LABELS = Path(__file__).resolve().parent / "news_check_labels.tsv"


def check_holdout(encoder_folder: Path, held: np.ndarray) -> None:
    """Stop unless the encoder's manifest says it was tuned without exactly these held-out rows."""
    manifest = json.loads((encoder_folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    tuning = manifest.get("fine_tuning") or {}
    if tuning.get("limit"):
        raise SystemExit(f"{encoder_folder}: the encoder was tuned on a --limit cut of train; tune it on all of it")
    if tuning.get("holdout_sha256") != holdout_digest(held):
        raise SystemExit(
            f"{encoder_folder}: its manifest does not name this holdout (another split, scikit-learn version "
            "or a base encoder): the head would be fitted on rows the encoder was tuned on"
        )


def load_news(labels_path: Path, text_dir: Path) -> tuple[list[str], np.ndarray, list[str]]:
    """The labelled news sentences (read from their articles), their labels and their articles."""
    rows = label_rows(labels_path)
    texts: dict[str, str] = {}
    sentences = []
    for article, start, end, _label in rows:
        if article not in texts:
            path = text_dir / f"{article}.txt"
            if not path.is_file():
                raise SystemExit(
                    f"{labels_path}: its article {path} is missing "
                    "(point --news-text or --news-check-text at the PolNeAR texts of the right split)"
                )
            texts[article] = path.read_text(encoding="utf-8")
        sentence = texts[article][start:end]
        if not sentence.strip():
            raise SystemExit(f"{labels_path}: no text at {article} {start}-{end}")
        sentences.append(sentence)
    return sentences, np.array([row[3] for row in rows]), [row[0] for row in rows]


@functools.cache
def encoder_of(folder: Path):
    """The encoder of ``folder``, checked and loaded once for the whole run (two threads)."""
    return load_encoder(folder, threads=2)


def embed(sentences: list[str], cache: Path | None, tag: str, folder: Path = CLAIMS_ENCODER_FOLDER) -> np.ndarray:
    """Encoder vectors of ``sentences`` (cached under ``cache`` by split, encoder version and text)."""
    encoder = encoder_of(folder)
    texts_digest = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:12]
    path = cache / f"{tag}-{encoder.version}-{len(sentences)}-{texts_digest}.npy" if cache else None
    if path is not None and path.exists():
        return np.load(path)
    started = time.perf_counter()
    vectors = encoder.embed(sentences)
    print(f"embedded {len(sentences)} {tag} sentences in {time.perf_counter() - started:.0f} s", flush=True)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The score threshold with the highest F1 of the positive class, and that F1."""
    best = (0.5, -1.0)
    for threshold in np.unique(np.round(scores, 3)):
        f1 = f1_score(labels, scores >= threshold)
        if f1 > best[1]:
            best = (float(threshold), float(f1))
    return best


def out_of_fold_sparse(sentences: list[str], labels: np.ndarray, folds: list) -> np.ndarray:
    """Sparse-model scores of train, each from a model fitted without that sentence's fold."""
    matrix_rows = [dict.fromkeys(sentence_features(s), 1) for s in sentences]
    scores = np.zeros(len(labels))
    for train_rows, test_rows in folds:
        vectorizer = DictVectorizer()
        fitted = normalize(vectorizer.fit_transform([matrix_rows[i] for i in train_rows]))
        model = LogisticRegression(C=SPARSE_C, max_iter=3000, class_weight="balanced")
        model.fit(fitted, labels[train_rows])
        held_out = normalize(vectorizer.transform([matrix_rows[i] for i in test_rows]))
        scores[test_rows] = model.predict_proba(held_out)[:, 1]
    return scores


def head_features(vectors: np.ndarray, sparse_scores: np.ndarray) -> np.ndarray:
    return np.hstack([vectors.astype(np.float64), logit(sparse_scores)[:, None]])


def report(shipped: ClaimHead, sparse, args: argparse.Namespace) -> None:
    """Score a written head once on the dev splits and the held-out news check set (no choice rests on it)."""
    try:  # the head must belong with this encoder and sparse model, as the engine insists
        load_encoder_scorer(sparse, shipped, encoder_of(args.encoder))
    except ClaimModelUnavailable as exc:
        raise SystemExit(str(exc)) from exc

    def scores_of(sentences: list[str], tag: str) -> np.ndarray:
        return shipped.score_vectors(
            embed(sentences, args.cache, tag, args.encoder), np.array([sparse.score(s) for s in sentences])
        )

    for split in DEV_SPLITS:
        if not (args.data / f"ct24_english_{split}.tsv").exists():
            continue
        dev_sentences, dev_labels = load_split(args.data, split)
        scores = scores_of(dev_sentences, split)
        print(
            f"{split}: F1 {f1_score(dev_labels, scores >= shipped.threshold):.3f} at the shipped threshold, "
            f"AP {average_precision_score(dev_labels, scores):.3f} (sentence level, no engine rules)"
        )
    check_text = args.news_check_text or args.data.parent / "polnear" / "dev" / "text"
    if not (args.news_check_labels.exists() and check_text.is_dir()):
        print(f"news check skipped: {args.news_check_labels} or {check_text} is missing")
        return
    check_sentences, check_labels, _ = load_news(args.news_check_labels, check_text)
    scores = scores_of(check_sentences, "news-check")
    flagged = scores >= shipped.threshold
    print(
        f"news check ({len(check_labels)} sentences of PolNeAR dev articles): F1 "
        f"{f1_score(check_labels, flagged):.3f}, AP {average_precision_score(check_labels, scores):.3f}, "
        f"{flagged.mean():.1%} flagged ({check_labels.mean():.1%} labelled claims)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with ct24_english_train.tsv")
    parser.add_argument("--out", type=Path, default=HEAD_PATH, help="where to write the head JSON")
    parser.add_argument("--encoder", type=Path, default=CLAIMS_ENCODER_FOLDER, help="the encoder's model folder")
    parser.add_argument("--news-labels", type=Path, default=NEWS_LABELS, help="labelled news sentences (offsets)")
    parser.add_argument(
        "--news-text", type=Path, default=None, help="PolNeAR train texts (default: DATA/../polnear/train/text)"
    )
    parser.add_argument("--news-check-labels", type=Path, default=NEWS_CHECK_LABELS, help="held-out news sentences")
    parser.add_argument(
        "--news-check-text", type=Path, default=None, help="PolNeAR dev texts (default: DATA/../polnear/dev/text)"
    )
    parser.add_argument("--score", type=Path, default=None, help="only score this written head (no fitting)")
    parser.add_argument("--cache", type=Path, default=None, help="folder to cache sentence vectors in")
    args = parser.parse_args()
    if args.score is not None:
        print(f"scoring {args.score} with the encoder in {args.encoder}", flush=True)
        report(load_head(args.score), load_model(SPARSE_PATH), args)
        return 0
    print(f"seed {SEED}, {FOLDS} folds, sparse C {SPARSE_C}, head C grid {HEAD_C_GRID}", flush=True)

    sentences, labels = load_split(args.data, "train")
    _, held = holdout_split(labels)  # the sentences the encoder was not tuned on
    check_holdout(args.encoder, held)
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(sentences, labels))
    sparse_oof = out_of_fold_sparse(sentences, labels, folds)
    print(f"out-of-fold sparse model: AP {average_precision_score(labels, sparse_oof):.3f}", flush=True)
    held_sentences = [sentences[row] for row in held]
    debate_features = head_features(embed(held_sentences, args.cache, "train-holdout", args.encoder), sparse_oof[held])
    # The shipped sparse model never saw the news sentences: its own scores are out of sample.
    sparse = load_model(SPARSE_PATH)
    news_text = args.news_text or args.data.parent / "polnear" / "train" / "text"
    news_sentences, news_labels, news_articles = load_news(args.news_labels, news_text)
    news_features = head_features(
        embed(news_sentences, args.cache, "news", args.encoder), np.array([sparse.score(s) for s in news_sentences])
    )
    features = np.vstack([debate_features, news_features])
    is_news = np.concatenate([np.zeros(len(held), dtype=bool), np.ones(len(news_labels), dtype=bool)])
    labels = np.concatenate([labels[held], news_labels])
    groups = [f"debate-{row}" for row in held] + [f"news-{article}" for article in news_articles]
    splitter = StratifiedGroupKFold(FOLDS, shuffle=True, random_state=SEED)
    folds = list(splitter.split(features, labels, groups))
    print(
        f"head fitted on {len(held)} held-out debate sentences and {len(news_labels)} news sentences "
        f"of {len(set(news_articles))} articles",
        flush=True,
    )

    results = []
    for regularisation in HEAD_C_GRID:
        decision = np.zeros(len(labels))
        for train_rows, test_rows in folds:
            head = LogisticRegression(C=regularisation, max_iter=5000).fit(features[train_rows], labels[train_rows])
            decision[test_rows] = head.decision_function(features[test_rows])
        ap = average_precision_score(labels, decision)
        print(f"head C={regularisation}: cross-validated AP {ap:.4f}", flush=True)
        results.append((ap, regularisation, decision))
    cv_ap, regularisation, decision = max(results, key=lambda result: result[0])

    platt = LogisticRegression(C=1e6, max_iter=1000).fit(decision[:, None], labels)
    scale, shift = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1.0 / (1.0 + np.exp(-(scale * decision + shift)))
    threshold, cv_f1 = best_threshold(calibrated, labels)
    print(f"chosen C={regularisation}; Platt a={scale:.4f} b={shift:.4f}; "
          f"threshold {threshold:.3f} (cross-validated F1 {cv_f1:.4f}, AP {cv_ap:.4f})", flush=True)
    for name, rows in (("debates", ~is_news), ("news", is_news)):
        flagged = calibrated[rows] >= threshold
        print(f"  cross-validated on {name}: F1 {f1_score(labels[rows], flagged):.4f}, "
              f"AP {average_precision_score(labels[rows], calibrated[rows]):.4f}, "
              f"{flagged.mean():.1%} flagged ({labels[rows].mean():.1%} labelled claims)", flush=True)

    # Fitted on out-of-fold sparse scores: at run time the shipped sparse model meets sentences
    # it was not fitted on, and its in-sample scores of train are overconfident.
    head = LogisticRegression(C=regularisation, max_iter=5000).fit(features, labels)
    weights = [round(float(w), 6) for w in head.coef_[0]]
    numbers = {
        "vector_weights": weights[:-1],
        "sparse_logit_weight": weights[-1],
        "intercept": round(float(head.intercept_[0]), 6),
        "platt_scale": round(scale, 6),
        "platt_shift": round(shift, 6),
        "threshold": round(threshold, 4),
    }
    encoder = encoder_of(args.encoder)
    payload = {
        "format": "claims-head-1",
        "trained_on": f"CheckThat! 2024 Task 1 English, train split: the {len(held)} sentences held out "
        f"from the encoder's fine-tuning (training/claims/finetune.py); {len(news_labels)} news sentences of "
        "PolNeAR train articles labelled with the claims rubric (training/claims/news_labels.tsv)",
        "made_by": "training/claims/train.py",
        "seed": SEED,
        "regularisation": regularisation,
        "cross_validated_f1": round(cv_f1, 4),
        "cross_validated_ap": round(cv_ap, 4),
        "encoder_model_sha256": encoder.manifest.model_sha256,
        "sparse_model_sha256": sparse.digest,
        "numbers": numbers,
        "numbers_sha256": weights_digest(numbers),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, sha256 {digest[:12]})", flush=True)

    report(load_head(args.out), sparse, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
