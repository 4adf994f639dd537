"""Claim matching: has this claim been fact-checked before? Text in, scored fact-checks out.

Plain Python with no Django imports (like ``workers.extraction``); vectors come from
``workers.encoder``. Public entry points:

- ``rank(query, candidates, *, limit=10, encoder=None, query_vector=None)`` -> ``[Match(id, score)]`` best first:
  reranks the ``Candidate(id, text, lexical=None, embedding=None)`` records a database search
  retrieved. ``lexical`` is the database's score (PostgreSQL: the summed IDF of the words a
  row shares, SQLite FTS5 ``-bm25()``), higher is better; when any is ``None`` BM25 is computed within the set.
  ``embedding`` is the stored vector, from ``embed_facts([fact_text(fact)])`` with the same
  encoder version; when ``None`` the text is embedded now. ``score`` is 0..1, roughly the
  chance the match is right; equal scores are ordered by id, so the result is deterministic.
  ``query_vector_of(query, encoder)`` is the query's vector, for a caller that computes it ahead.
- ``FactIndex.build(facts)`` then ``.search(text, limit=10)``: an in-memory library of
  ``{"id", "claim", "title"?}`` records (BM25 over claim and title, plus the encoder), for
  ``manage.py match`` and scoring without a database.
- ``fact_text(fact)``: the text a fact-check is matched on (claim and title);
  ``embed_facts(texts)``: the vectors to store for such texts.
- ``MATCHER_VERSION``: the fusion and the committed encoder's version; store it with each match.
  ``matcher_version(encoder)`` gives it for another encoder.
"""

from workers.matching.index import FactIndex, embed_facts, fact_text
from workers.matching.ranking import query_vector_of, rank
from workers.matching.tokens import prepare_text
from workers.matching.types import Candidate, Match
from workers.matching.version import committed_matcher_version, matcher_version

MATCHER_VERSION = committed_matcher_version()

__all__ = [
    "MATCHER_VERSION",
    "Candidate",
    "FactIndex",
    "Match",
    "embed_facts",
    "fact_text",
    "matcher_version",
    "prepare_text",
    "query_vector_of",
    "rank",
]
