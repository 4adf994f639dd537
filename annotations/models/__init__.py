"""Data of the fact-check desk and the invariants the database enforces.

Articles keep every revision of their text. Claims and quotes are rows of one ``Item`` table
(``kind`` tells them apart; ``Claim`` and ``Quote`` are proxies), so reviews, history and the
review queue work the same for both. Each item is anchored to a revision by character offsets
with ``revision.body[start:end] == text``, plus a short prefix and suffix so it can be found
again when the text changes. Workflows live in ``annotations.services``, not here.

One module per aggregate: ``articles`` (articles and revisions), ``jobs`` (extraction jobs),
``items`` (claims and quotes), ``reviews`` (verdicts and comments), ``history`` (the change
log), ``desk`` (the events open pages catch up from), ``monitoring`` (worker heartbeats, the
dashboard's snapshot) and ``factchecks`` (the library of earlier checks, the matches found and
the matching runs).
"""

from annotations.models.articles import Article, ArticleRevision
from annotations.models.desk import DeskEvent
from annotations.models.factchecks import ClaimMatch, FactCheck, FactCheckTerm, FactCheckVector, MatchJob
from annotations.models.history import HistoryEvent
from annotations.models.items import Claim, ClaimManager, Item, Quote, QuoteManager
from annotations.models.jobs import ExtractionJob
from annotations.models.monitoring import DashboardSnapshot, WorkerHeartbeat
from annotations.models.reviews import Comment, Review

__all__ = [
    "Article",
    "ArticleRevision",
    "Claim",
    "ClaimManager",
    "ClaimMatch",
    "Comment",
    "DashboardSnapshot",
    "DeskEvent",
    "ExtractionJob",
    "FactCheck",
    "FactCheckTerm",
    "FactCheckVector",
    "HistoryEvent",
    "Item",
    "MatchJob",
    "Quote",
    "QuoteManager",
    "Review",
    "WorkerHeartbeat",
]
