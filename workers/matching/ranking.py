"""Reranking the candidates a database search retrieved for one claim."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workers.encoder import Encoder, get_encoder
from workers.matching.bm25 import Bm25Index
from workers.matching.fusion import best_first, fused_scores
from workers.matching.tokens import index_terms, prepare_text
from workers.matching.types import Candidate, Match

DEFAULT_LIMIT = 10


def rank(
    query: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = DEFAULT_LIMIT,
    encoder: Encoder | None = None,
    query_vector: np.ndarray | None = None,
) -> list[Match]:
    """The best ``limit`` candidates for ``query``, best first, each with a 0..1 score.

    A candidate's stored ``embedding`` is used when given (it must come from the same
    ``Encoder.version``); otherwise its ``text`` is embedded now. When any candidate has no
    ``lexical`` score, BM25 is computed within the candidate set for all of them, so one scale
    is used throughout. ``query_vector`` is the query's own vector when the caller computed it
    already (``query_vector_of``, same encoder). ``encoder`` defaults to ``get_encoder()``;
    ``EncoderUnavailable`` is raised, not hidden, when its files are missing.
    """
    if not candidates or limit <= 0:
        return []
    encoder = encoder or get_encoder()
    if query_vector is None:
        query_vector = query_vector_of(query, encoder)
    cosine = candidate_vectors(candidates, encoder) @ query_vector
    if any(candidate.lexical is None for candidate in candidates):
        documents = [index_terms(prepare_text(candidate.text)) for candidate in candidates]
        lexical = Bm25Index(documents).scores(index_terms(prepare_text(query)))
    else:
        lexical = np.asarray([candidate.lexical for candidate in candidates], dtype=np.float64)
    scores = fused_scores(cosine, lexical)
    return [Match(id=id_, score=score) for id_, score in best_first([c.id for c in candidates], scores, limit)]


def query_vector_of(query: str, encoder: Encoder) -> np.ndarray:
    """The vector ``rank`` compares the candidates with, for ``query``."""
    return encoder.embed([prepare_text(query)])[0]


def candidate_vectors(candidates: Sequence[Candidate], encoder: Encoder) -> np.ndarray:
    """The candidates' vectors, stored ones as given and the others embedded now, one row each."""
    vectors = np.zeros((len(candidates), encoder.dim), dtype=np.float32)
    missing = [row for row, candidate in enumerate(candidates) if candidate.embedding is None]
    if missing:
        vectors[missing] = encoder.embed([prepare_text(candidates[row].text) for row in missing])
    for row, candidate in enumerate(candidates):
        if candidate.embedding is not None:
            stored = np.asarray(candidate.embedding, dtype=np.float32).reshape(-1)
            if stored.shape[0] != encoder.dim:
                raise ValueError(
                    f"candidate {candidate.id!r} has a stored vector of {stored.shape[0]} numbers, the encoder "
                    f"{encoder.version} gives {encoder.dim}: embed its text again with this encoder"
                )
            vectors[row] = stored
    return vectors
