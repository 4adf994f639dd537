"""Fit the fusion weights of workers/matching/fusion.py on the train split, by cross-validation on train.

    .venv/bin/python training/matching/fit_fusion.py [--encoder FOLDER] [--folds 5]

For every train query the engine's own candidate set is built (``FactIndex``: the best lexical
and vector neighbours); each candidate gets the engine's features (cosine, lexical share) and a
label (is it a gold fact-check). A logistic regression is fitted by Newton's method; the L2
strength is chosen by MAP@5 over K folds of train queries. The weights fitted on all of train
are printed, with the cross-validated MAP@5 and (for reporting only, never for choosing) the dev
MAP@5. Fact vectors are cached in the temp folder by encoder version.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import average_precision_at_5, load_facts, load_split  # noqa: E402

from workers.encoder import MODEL_FOLDER, get_encoder  # noqa: E402
from workers.matching import fusion  # noqa: E402
from workers.matching.index import LEXICAL_CANDIDATES, VECTOR_CANDIDATES, FactIndex, _top_rows, fact_text  # noqa: E402
from workers.matching.tokens import index_terms, prepare_text  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "match-cache"
STRENGTHS = (0.0, 0.01, 0.1, 1.0, 10.0)


def build_index(facts: list[dict], encoder) -> FactIndex:
    texts = [fact_text(fact) for fact in facts]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    path = CACHE / f"{encoder.version}-{key}.npy"
    if path.exists():
        vectors = np.load(path)
    else:
        vectors = encoder.embed([prepare_text(text) for text in texts])
        CACHE.mkdir(exist_ok=True)
        np.save(path, vectors)
    return FactIndex([str(f["id"]) for f in facts], texts, vectors, encoder)


def candidate_features(index: FactIndex, queries: dict[str, str], gold: dict[str, set[str]]):
    """Per query: (candidate ids, feature matrix, labels)."""
    out = {}
    for qid, text in queries.items():
        prepared = prepare_text(text)
        lexical = index.lexical.scores(index_terms(prepared))
        cosine = index.vectors @ index.encoder.embed([prepared])[0]
        rows = np.union1d(_top_rows(lexical, LEXICAL_CANDIDATES), _top_rows(cosine, VECTOR_CANDIDATES))
        x = np.column_stack([cosine[rows], fusion.lexical_share(lexical[rows])])
        ids = [index.ids[row] for row in rows]
        y = np.asarray([fact_id in gold[qid] for fact_id in ids], dtype=np.float64)
        out[qid] = (ids, x, y)
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, strength: float, steps: int = 50) -> np.ndarray:
    """Weights (features..., bias) by Newton's method with an L2 penalty on the feature weights."""
    design = np.column_stack([x, np.ones(len(x))])
    weights = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], strength)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ weights)))
        gradient = design.T @ (p - y) + penalty * weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(weights))
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return weights


def map_at_5(features: dict, weights: np.ndarray, gold: dict[str, set[str]]) -> float:
    total = 0.0
    for qid, (ids, x, _) in features.items():
        logit = x @ weights[:-1] + weights[-1]
        order = sorted(range(len(ids)), key=lambda row: (-logit[row], ids[row]))
        total += average_precision_at_5([ids[row] for row in order], gold[qid])
    return total / max(len(features), 1)


def stacked(features: dict, qids) -> tuple[np.ndarray, np.ndarray]:
    return (np.vstack([features[q][1] for q in qids]), np.concatenate([features[q][2] for q in qids]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", type=Path, default=MODEL_FOLDER)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    encoder = get_encoder(args.encoder)
    index = build_index(load_facts(), encoder)
    train_queries, train_gold = load_split("train")
    train = candidate_features(index, train_queries, train_gold)
    qids = sorted(train)
    folds = [qids[k :: args.folds] for k in range(args.folds)]
    cross = {}
    for strength in STRENGTHS:
        scores = []
        for held in folds:
            held_set = set(held)
            weights = fit_logistic(*stacked(train, [q for q in qids if q not in held_set]), strength)
            scores.append(map_at_5({q: train[q] for q in held}, weights, train_gold))
        cross[strength] = float(np.mean(scores))
        print(f"L2 {strength:<5}: cross-validated train MAP@5 {cross[strength]:.4f}")
    best = max(STRENGTHS, key=lambda s: (cross[s], -s))
    weights = fit_logistic(*stacked(train, qids), best)
    dev_queries, dev_gold = load_split("dev")
    dev = candidate_features(index, dev_queries, dev_gold)
    cosine_only = np.asarray([1.0, 0.0, 0.0])
    lexical_only = np.asarray([0.0, 1.0, 0.0])
    print(f"encoder {encoder.version}; chosen L2 {best}")
    print(f"COSINE_WEIGHT = {weights[0]:.3f}\nLEXICAL_WEIGHT = {weights[1]:.3f}\nBIAS = {weights[2]:.3f}")
    print(f"train (all, fitted): MAP@5 {map_at_5(train, weights, train_gold):.4f}")
    print(
        f"dev (report only): fused {map_at_5(dev, weights, dev_gold):.4f}, cosine alone "
        f"{map_at_5(dev, cosine_only, dev_gold):.4f}, lexical share alone {map_at_5(dev, lexical_only, dev_gold):.4f}"
    )


if __name__ == "__main__":
    main()
