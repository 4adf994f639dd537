"""An in-memory fact-check library for the command line: BM25 and encoder over every record.

The database path (``rank``) reranks what PostgreSQL or SQLite full-text search retrieved; this
index retrieves by itself, from the lexical and the vector side both, and then scores the union
with the same fusion, so both paths rank a candidate set the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from workers.encoder import Encoder, get_encoder
from workers.matching.bm25 import Bm25Index
from workers.matching.fusion import best_first, fused_scores
from workers.matching.tokens import index_terms, prepare_text
from workers.matching.types import Match

# How many of the best lexical and of the best vector neighbours form a claim's candidate set.
LEXICAL_CANDIDATES = 50
VECTOR_CANDIDATES = 50


def fact_text(fact: Mapping) -> str:
    """The text a fact-check is matched on: its claim, then its title when it has a different one."""
    claim = str(fact.get("claim") or "").strip()
    title = str(fact.get("title") or "").strip()
    return f"{claim} {title}".strip() if title and title != claim else claim


def embed_facts(texts: list[str], encoder: Encoder | None = None) -> np.ndarray:
    """The vectors to store for fact-check texts (``fact_text``), as ``rank`` expects them."""
    encoder = encoder or get_encoder()
    return encoder.embed([prepare_text(text) for text in texts])


class FactIndex:
    """Fact-checks searchable by claim text: ``FactIndex.build(facts).search(text)``."""

    def __init__(self, ids: list[str], texts: list[str], vectors: np.ndarray, encoder: Encoder) -> None:
        self.ids = ids
        self.texts = texts
        self.vectors = vectors
        self.encoder = encoder
        self.lexical = Bm25Index([index_terms(prepare_text(text)) for text in texts])

    @classmethod
    def build(cls, facts: Iterable[Mapping], *, encoder: Encoder | None = None) -> FactIndex:
        """Index ``{"id", "claim", "title"?}`` records (ids as strings; later duplicates are an error)."""
        encoder = encoder or get_encoder()
        ids: list[str] = []
        texts: list[str] = []
        seen: set[str] = set()
        for fact in facts:
            fact_id = str(fact["id"])
            if fact_id in seen:
                raise ValueError(f"fact-check id {fact_id!r} appears twice: give each fact-check its own id")
            seen.add(fact_id)
            ids.append(fact_id)
            texts.append(fact_text(fact))
        vectors = embed_facts(texts, encoder) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
        return cls(ids, texts, vectors, encoder)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, *, limit: int = 10) -> list[Match]:
        """The best ``limit`` fact-checks for ``query``, best first, each with a 0..1 score."""
        if not self.ids or limit <= 0:
            return []
        prepared = prepare_text(query)
        lexical = self.lexical.scores(index_terms(prepared))
        cosine = self.vectors @ self.encoder.embed([prepared])[0]
        rows = np.union1d(_top_rows(lexical, LEXICAL_CANDIDATES), _top_rows(cosine, VECTOR_CANDIDATES))
        scores = fused_scores(cosine[rows], lexical[rows])
        ranked = best_first([self.ids[row] for row in rows], scores, limit)
        return [Match(id=id_, score=score) for id_, score in ranked]


def _top_rows(values: np.ndarray, count: int) -> np.ndarray:
    """The rows of the ``count`` highest values (all rows when there are fewer)."""
    if values.shape[0] <= count:
        return np.arange(values.shape[0])
    return np.argpartition(-values, count - 1)[:count]
