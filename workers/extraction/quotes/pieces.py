"""Which quoted pieces are one quote: an interrupted quote, or fragments in one sentence of paraphrase."""

from __future__ import annotations

from workers.extraction.quotes.attribution import Attribution, attribution_after
from workers.extraction.quotes.marks import RawQuote
from workers.extraction.quotes.patterns import CLAUSE_TAIL, NOT_A_TAIL, SENTENCE_END_INSIDE, WORD


def interruption(text: str, piece: RawQuote, following: RawQuote) -> Attribution | None:
    """The attribution clause between two pieces of one quote ("We will," she said, "go on."), if any."""
    between = text[piece.end : following.start]
    if "\n" in between or len(between) > 200:
        return None
    clause = attribution_after(text, piece.end, following.start)
    if clause is None:
        return None
    tail = text[clause.clause_end : following.start]
    if not CLAUSE_TAIL.fullmatch(tail) or NOT_A_TAIL.search(tail):
        return None
    return clause


def same_sentence(text: str, piece: RawQuote, following: RawQuote) -> bool:
    """True when two quoted fragments sit in one sentence of paraphrase (calls it "x" and "y")."""
    if text[piece.end - 2 : piece.end - 1] in (".", "!", "?"):
        return False
    before = text[max(0, piece.start - 3) : piece.start].rstrip()
    if not before or not (before[-1].isalpha() or before[-1] == ","):
        return False  # the first piece opens its sentence: it is a direct quote, not paraphrase
    words_before = len(WORD.findall(text, piece.start, piece.end))
    if words_before < 3 or len(WORD.findall(text, following.start, following.end)) < 3:
        return False  # scare-quoted terms are not fragments of speech
    between = text[piece.end : following.start]
    return len(between) <= 120 and "\n" not in between and not SENTENCE_END_INSIDE.search(
        text, piece.end - 2, following.start + 2
    )
