"""What the matcher takes and gives: a candidate fact-check and a scored match."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Candidate:
    """An earlier fact-check the database retrieved for a claim.

    ``lexical`` is the database's own text-search score for it (PostgreSQL ``ts_rank``, SQLite
    FTS5 ``-bm25()``), signed so that higher is better, or ``None`` to have the matcher compute
    BM25 within the candidate set. ``embedding`` is its stored vector (``Encoder.embed`` of
    ``text``, from the same ``Encoder.version``), or ``None`` to embed ``text`` now.
    """

    id: str
    text: str
    lexical: float | None = None
    embedding: np.ndarray | None = None


@dataclass(frozen=True)
class Match:
    """A fact-check that matches a claim; ``score`` is 0..1, roughly the chance the match is right."""

    id: str
    score: float
