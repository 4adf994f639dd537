"""Helpers of the speaker tests: the quote containing some words, and the speaker it was given."""

from __future__ import annotations

from workers.extraction import extract
from workers.extraction.types import QuoteSpan


def quote_with(text: str, words: str) -> QuoteSpan:
    """The one quote of ``text`` that contains ``words``; every quote's offsets must select its text."""
    quotes = extract(text).quotes
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text, "a quote's offsets must select its text"
    matching = [quote for quote in quotes if words in quote.text]
    assert len(matching) == 1, f"expected one quote containing {words!r}, got {[q.text for q in quotes]}"
    return matching[0]


def attributed(text: str, words: str) -> tuple[str, str]:
    """(the speaker phrase as written, the resolved speaker) of the quote containing ``words``."""
    quote = quote_with(text, words)
    assert quote.speaker_start is not None and quote.speaker_end is not None, (
        f"no speaker found for {quote.text!r}; expected one to be named near it"
    )
    return text[quote.speaker_start : quote.speaker_end], quote.speaker
