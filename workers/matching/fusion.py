"""One score from two signals: the encoder's cosine and the lexical score, fused by a logistic model.

The lexical score is divided by the best lexical score among the candidates of the same claim,
so BM25 computed here, PostgreSQL ``ts_rank`` and SQLite FTS5 ``bm25()`` (whose scales differ)
all become 0..1 with 1 for the best lexical candidate. The fused score is
``sigmoid(COSINE_WEIGHT * cosine + LEXICAL_WEIGHT * lexical_share + BIAS)``: a 0..1 figure, roughly
the chance that the pair is a true match. The weights were fitted by logistic regression on the
CLEF 2020 CheckThat! Task 2 train split, chosen by cross-validation on train only, with
``training/matching/fit_fusion.py``; see BENCHMARKS.md.
"""

from __future__ import annotations

import numpy as np

# Fitted for the encoder minilm-l6-v2-cm-int8-8a732cad (lexical/cosine ratio 0.2 chosen by 5-fold
# cross-validated MAP@5 on train; scale and bias by logistic regression on train).
COSINE_WEIGHT = 17.117
LEXICAL_WEIGHT = 3.423
BIAS = -13.907
FUSION_NAME = "fusion-2"


def lexical_share(lexical: np.ndarray) -> np.ndarray:
    """Each lexical score over the best in the set, 0..1 (all 0 when none is above 0)."""
    lexical = np.clip(np.asarray(lexical, dtype=np.float64), 0.0, None)
    best = float(lexical.max()) if lexical.size else 0.0
    return lexical / best if best > 0.0 else np.zeros_like(lexical)


def fused_scores(cosine: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """The 0..1 score of each candidate from its cosine and its raw lexical score (same order)."""
    logit = COSINE_WEIGHT * np.asarray(cosine, dtype=np.float64) + LEXICAL_WEIGHT * lexical_share(lexical) + BIAS
    return 1.0 / (1.0 + np.exp(-logit))


# Scores are rounded to this many decimals before ordering: float32 products can differ in the
# last bit for equal vectors (by their place in memory), and such noise must not decide an order.
SCORE_DECIMALS = 6


def best_first(ids: list[str], scores: np.ndarray, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` best (id, score) pairs, best first; equal scores in id order, so it is deterministic."""
    rounded = [round(float(score), SCORE_DECIMALS) for score in scores]
    order = sorted(range(len(ids)), key=lambda row: (-rounded[row], ids[row]))
    return [(ids[row], rounded[row]) for row in order[: max(limit, 0)]]
