"""Okapi BM25 over a fixed set of documents, with postings as numpy arrays."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

# The usual Okapi constants: term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75


class Bm25Index:
    """BM25 scores of a query against each of the documents it was built from."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = BM25_K1, b: float = BM25_B) -> None:
        self.size = len(documents)
        lengths = np.asarray([len(terms) for terms in documents], dtype=np.float64)
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        length_factor = k1 * (1.0 - b + b * lengths / average)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for row, terms in enumerate(documents):
            for term, count in Counter(terms).items():
                rows, counts = postings.setdefault(term, ([], []))
                rows.append(row)
                counts.append(count)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (rows, counts) in postings.items():
            row_array = np.asarray(rows, dtype=np.int64)
            tf = np.asarray(counts, dtype=np.float64)
            # The weight of the term in each document that has it, idf times saturated tf.
            idf = math.log(1.0 + (self.size - len(rows) + 0.5) / (len(rows) + 0.5))
            weights = idf * tf * (k1 + 1.0) / (tf + length_factor[row_array])
            self._postings[term] = (row_array, weights)

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """The BM25 score of every document for the query (0 where no term is shared)."""
        totals = np.zeros(self.size, dtype=np.float64)
        for term, repeats in Counter(query_terms).items():
            posting = self._postings.get(term)
            if posting is not None:
                rows, weights = posting
                totals[rows] += repeats * weights
        return totals
