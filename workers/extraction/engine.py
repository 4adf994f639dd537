"""The extraction engine: claims (check-worthy sentences) and direct quotes of a text."""

from __future__ import annotations

import re

from workers.extraction.names import NameIndex
from workers.extraction.quotes import extract_quotes
from workers.extraction.types import ClaimSpan, Extraction

EXTRACTOR_VERSION = "rules-1"

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’]?|$)", re.MULTILINE)
_NUMBER = re.compile(r"\d")


def extract(text: str, *, claim_threshold: float = 0.5) -> Extraction:
    """Claims and quotes of ``text``, every span anchored to offsets in it."""
    claims = []
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start < 20:
            continue
        sentence = text[start:end]
        attributed = " said" in sentence or "according to" in sentence.lower()
        score = 0.3 + 0.4 * bool(_NUMBER.search(sentence)) + 0.2 * attributed
        if score >= claim_threshold:
            claims.append(ClaimSpan(start=start, end=end, text=sentence, score=min(score, 1.0)))
    quotes = extract_quotes(text, NameIndex(text))
    return Extraction(claims=claims, quotes=quotes, version=EXTRACTOR_VERSION)
