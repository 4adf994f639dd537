"""Fit the fusion weights of workers/matching/fusion.py on the train split, by cross-validation on train.

    .venv/bin/python training/matching/fit_fusion.py [--encoder FOLDER] [--folds 5]

For every train query the engine's own candidate set is built (``FactIndex``: the best lexical
and vector neighbours); each candidate gets the engine's features (cosine, lexical share) and a
label (is it a gold fact-check). The ranking depends only on the ratio of the lexical to the
cosine weight: it is chosen for MAP@5 on train (its choice inside K folds gives the
cross-validated figure); then the scale and bias of the combined feature are fitted by logistic
regression (Newton's method), so the score reads as a chance. The weights are printed, with
the train figures and, for reporting only and never for choosing, the dev MAP@5.
Fact vectors are cached in the temp folder by encoder version.
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
RATIOS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5)


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


def ranking_map(features: dict, ratio: float, gold: dict[str, set[str]], qids) -> float:
    """MAP@5 over ``qids`` when candidates are ordered by cosine + ratio * lexical share."""
    return map_at_5({q: features[q] for q in qids}, np.asarray([1.0, ratio, 0.0]), gold)


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
    # The order depends only on the ratio of the two weights: choose it for MAP@5 itself, the
    # task's measure, by cross-validation over folds of train queries.
    held_scores = []
    for held in folds:
        held_set = set(held)
        rest = [q for q in qids if q not in held_set]
        chosen = max(RATIOS, key=lambda r: (ranking_map(train, r, train_gold, rest), -r))
        held_scores.append(ranking_map(train, chosen, train_gold, held))
    ratio = max(RATIOS, key=lambda r: (ranking_map(train, r, train_gold, qids), -r))
    print(f"encoder {encoder.version}")
    print(f"ratio chosen inside each fold: cross-validated train MAP@5 {np.mean(held_scores):.4f}")
    for r in RATIOS:
        print(f"  ratio {r:<4}: train MAP@5 {ranking_map(train, r, train_gold, qids):.4f}")
    # Then the scale and bias of the one combined feature, by logistic regression: a 0..1 score.
    x, y = stacked(train, qids)
    scale, bias = fit_logistic((x[:, 0] + ratio * x[:, 1])[:, None], y, 0.0)
    weights = np.asarray([scale, scale * ratio, bias])
    print(f"COSINE_WEIGHT = {weights[0]:.3f}\nLEXICAL_WEIGHT = {weights[1]:.3f}\nBIAS = {weights[2]:.3f}")
    pointwise = fit_logistic(x, y, 0.0)
    dev_queries, dev_gold = load_split("dev")
    dev = candidate_features(index, dev_queries, dev_gold)
    dev_ids = sorted(dev)
    print(
        f"train: fused {map_at_5(train, weights, train_gold):.4f}, cosine alone "
        f"{ranking_map(train, 0.0, train_gold, qids):.4f}, "
        f"pointwise logistic {map_at_5(train, pointwise, train_gold):.4f}"
    )
    print(
        f"dev (report only, never for choosing): fused {map_at_5(dev, weights, dev_gold):.4f}, cosine alone "
        f"{ranking_map(dev, 0.0, dev_gold, dev_ids):.4f}, lexical alone "
        f"{map_at_5(dev, np.asarray([0.0, 1.0, 0.0]), dev_gold):.4f}, pointwise logistic "
        f"{map_at_5(dev, pointwise, dev_gold):.4f}"
    )


if __name__ == "__main__":
    main()
