"""The encoder-mode claim head: a calibrated logistic model over a sentence's encoder vector and
the sparse model's score, shipped as plain JSON (``models/claims_head.json``).

``score = sigmoid(a * (w . vector + v * logit(sparse) + c) + b)``: the head's weights, then a
Platt scaling fitted on out-of-fold decisions, so the score is a probability of check-worthiness
that means the same across articles. Made by ``training/claims/train.py``. The file carries
the SHA-256 of its own numbers and of the encoder and sparse models it was trained against;
``load_head`` checks the first, ``scoring`` checks the others, and any mismatch is a
``ClaimModelUnavailable`` naming the file and the fix. There is no fallback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEAD_PATH = Path(__file__).resolve().parent / "models" / "claims_head.json"
# The claims encoder: all-MiniLM-L6-v2 fine-tuned on check-worthiness (``training/claims/finetune.py``,
# int8), in the shared encoder's folder format and run by its runtime (``workers.encoder``); its own
# folder, so that a new matching encoder in ``workers/encoder/model`` never changes claim scoring.
CLAIMS_ENCODER_FOLDER = Path(__file__).resolve().parent / "models" / "claims_encoder"
HEAD_FORMAT = "claims-head-1"
HOW_TO_FIX = (
    "restore it with `git checkout -- {path}`, or retrain it with "
    "`python training/claims/train.py --data ../shared/datasets/checkworthiness`, "
    "or run the fast mode (CLAIMS_MODE=fast)"
)


class ClaimModelUnavailable(Exception):
    """A claim-scoring model file is missing, corrupt or does not belong with the other models."""


def weights_digest(numbers: dict) -> str:
    """SHA-256 of the head's numbers in a canonical JSON form (sorted keys, no spaces)."""
    canonical = json.dumps(numbers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ClaimHead:
    """The head's numbers, the models it belongs with, and its file's SHA-256 (``digest``)."""

    vector_weights: np.ndarray
    sparse_logit_weight: float
    intercept: float
    platt_scale: float
    platt_shift: float
    threshold: float
    encoder_model_sha256: str
    sparse_model_sha256: str
    digest: str
    path: Path

    def score_vectors(self, vectors: np.ndarray, sparse_scores: np.ndarray) -> np.ndarray:
        """Calibrated scores (float64, 0..1) of sentences given their unit vectors and sparse scores."""
        sparse = np.clip(np.asarray(sparse_scores, dtype=np.float64), 1e-6, 1 - 1e-6)
        # A row-wise sum, not a matrix product: BLAS may sum differently for different batch
        # sizes, and a sentence's score must not depend on the sentences scored with it.
        decision = (np.asarray(vectors, dtype=np.float64) * self.vector_weights).sum(axis=1)
        decision += self.sparse_logit_weight * np.log(sparse / (1 - sparse)) + self.intercept
        return 1.0 / (1.0 + np.exp(-(self.platt_scale * decision + self.platt_shift)))


def load_head(path: Path = HEAD_PATH) -> ClaimHead:
    """Read and check the head file; ``ClaimModelUnavailable`` if it is missing or altered."""
    fix = HOW_TO_FIX.format(path=path)
    try:
        payload = path.read_bytes()
    except FileNotFoundError as exc:
        raise ClaimModelUnavailable(f"The claim head {path} is missing: {fix}.") from exc
    except OSError as exc:
        raise ClaimModelUnavailable(f"The claim head {path} cannot be read ({exc}): {fix}.") from exc
    try:
        data = json.loads(payload)
        if data["format"] != HEAD_FORMAT:
            raise ValueError(f"format {data['format']!r}, expected {HEAD_FORMAT!r}")
        numbers = data["numbers"]
        if weights_digest(numbers) != data["numbers_sha256"]:
            raise ValueError("its numbers do not match their SHA-256")
        head = ClaimHead(
            vector_weights=np.asarray(numbers["vector_weights"], dtype=np.float64),
            sparse_logit_weight=float(numbers["sparse_logit_weight"]),
            intercept=float(numbers["intercept"]),
            platt_scale=float(numbers["platt_scale"]),
            platt_shift=float(numbers["platt_shift"]),
            threshold=float(numbers["threshold"]),
            encoder_model_sha256=str(data["encoder_model_sha256"]),
            sparse_model_sha256=str(data["sparse_model_sha256"]),
            digest=hashlib.sha256(payload).hexdigest(),
            path=path,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ClaimModelUnavailable(f"The claim head {path} is corrupt ({exc}): {fix}.") from exc
    if head.vector_weights.ndim != 1 or not np.all(np.isfinite(head.vector_weights)):
        raise ClaimModelUnavailable(f"The claim head {path} is corrupt (bad vector weights): {fix}.")
    return head
