"""Claim scorers by mode: ``encoder`` (the default) and ``fast``.

- ``fast``: the sparse linear model alone (``checkworthiness``), pure Python, microseconds a
  sentence; for bulk backfills. Version ``rules-N+model-<sha12>`` as before the modes existed.
- ``encoder``: the shared sentence encoder (``workers.encoder``) and the sparse score, combined
  by the calibrated head (``claimhead``). Version ``rules-N+encoder-<sha8>+head-<sha8>``.

The mode is a parameter; where none is given, the ``CLAIMS_MODE`` environment variable (Django
settings pass theirs the same way), else ``encoder``. ``get_scorer(mode)`` loads a mode's models
once per process and checks every file (``ClaimModelUnavailable`` if any is missing, corrupt or
does not belong with the others); the worker calls it at start so a broken model stops it there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from workers.encoder import Encoder, EncoderUnavailable, get_encoder
from workers.extraction.checkworthiness import MODEL_PATH, CheckworthinessModel, load_model
from workers.extraction.claimhead import (
    CLAIMS_ENCODER_FOLDER,
    HEAD_PATH,
    HOW_TO_FIX,
    ClaimHead,
    ClaimModelUnavailable,
    load_head,
)

# Bump when segmentation, quote or facet rules change; the model part follows the model files.
RULES_VERSION = 11
MODES = ("encoder", "fast")
DEFAULT_MODE = "encoder"
MODE_VARIABLE = "CLAIMS_MODE"


def resolve_mode(mode: str | None = None) -> str:
    """The mode given, else ``$CLAIMS_MODE``, else ``encoder``; ``ValueError`` for an unknown one."""
    chosen = mode if mode is not None else (os.environ.get(MODE_VARIABLE) or DEFAULT_MODE)
    if chosen not in MODES:
        raise ValueError(f"unknown claims mode {chosen!r}: use one of {', '.join(MODES)}")
    return chosen


@dataclass(frozen=True)
class FastScorer:
    """The sparse model alone."""

    sparse: CheckworthinessModel
    mode: str = "fast"
    version: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "version", f"rules-{RULES_VERSION}+model-{self.sparse.digest[:12]}")

    @property
    def threshold(self) -> float:
        return self.sparse.threshold

    def score_many(self, sentences: Sequence[str]) -> list[float]:
        return [self.sparse.score(sentence) for sentence in sentences]


@dataclass(frozen=True)
class EncoderScorer:
    """Encoder vector + sparse score, through the calibrated head."""

    sparse: CheckworthinessModel
    encoder: Encoder
    head: ClaimHead
    mode: str = "encoder"
    version: str = field(init=False)

    def __post_init__(self) -> None:
        encoder_sha = self.encoder.manifest.model_sha256[:8]
        version = f"rules-{RULES_VERSION}+encoder-{encoder_sha}+head-{self.head.digest[:8]}"
        object.__setattr__(self, "version", version)

    @property
    def threshold(self) -> float:
        return self.head.threshold

    def score_many(self, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        sparse = np.array([self.sparse.score(sentence) for sentence in sentences])
        return [float(score) for score in self.head.score_vectors(self.encoder.embed(sentences), sparse)]


Scorer = FastScorer | EncoderScorer
_scorers: dict[str, Scorer] = {}
_loading = threading.Lock()


def get_scorer(mode: str | None = None) -> Scorer:
    """The scorer of ``mode`` (see ``resolve_mode``), loaded and checked once per process."""
    chosen = resolve_mode(mode)
    with _loading:
        if chosen not in _scorers:
            _scorers[chosen] = _load(chosen)
        return _scorers[chosen]


def _load(mode: str) -> Scorer:
    try:
        sparse = load_model(MODEL_PATH)
    except (OSError, ValueError, KeyError) as exc:
        raise ClaimModelUnavailable(
            f"The sparse claim model {MODEL_PATH} cannot be loaded ({exc}): restore it with "
            f"`git checkout -- {MODEL_PATH}`."
        ) from exc
    if mode == "fast":
        return FastScorer(sparse)
    return load_encoder_scorer(sparse, load_head(HEAD_PATH))


def load_encoder_scorer(sparse: CheckworthinessModel, head: ClaimHead, encoder: Encoder | None = None) -> EncoderScorer:
    """Check that ``head`` was trained with these models, then pair them (``ClaimModelUnavailable`` if not)."""
    fix = HOW_TO_FIX.format(path=head.path)
    try:
        encoder = encoder or get_encoder(CLAIMS_ENCODER_FOLDER)
    except EncoderUnavailable as exc:
        raise ClaimModelUnavailable(f"The encoder of the claims model cannot be loaded: {exc}") from exc
    if head.encoder_model_sha256 != encoder.manifest.model_sha256:
        raise ClaimModelUnavailable(
            f"The claim head {head.path} was trained with encoder {head.encoder_model_sha256[:12]}, "
            f"the encoder is {encoder.manifest.model_sha256[:12]}: {fix}."
        )
    if head.sparse_model_sha256 != sparse.digest:
        raise ClaimModelUnavailable(
            f"The claim head {head.path} was trained with sparse model {head.sparse_model_sha256[:12]}, "
            f"the sparse model is {sparse.digest[:12]}: {fix}."
        )
    if head.vector_weights.shape != (encoder.dim,):
        raise ClaimModelUnavailable(
            f"The claim head {head.path} does not fit the encoder's {encoder.dim} numbers: {fix}."
        )
    return EncoderScorer(sparse, encoder, head)
