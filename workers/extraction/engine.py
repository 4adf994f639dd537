"""A first extraction engine: sentences scored by simple cues, and quoted speech with a speaker.

Interim rules, to be replaced by the trained engine.
"""

from __future__ import annotations

import re

from workers.extraction.types import ClaimSpan, Extraction, QuoteSpan

EXTRACTOR_VERSION = "rules-0"

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’]?|$)", re.MULTILINE)
_NUMBER = re.compile(r"\d")
_QUOTE = re.compile(r"[\"“]([^\"“”\n]{3,}?)[\"”]")
_NAME = r"[A-Z][\w.\-]+(?:\s+[A-Z][\w.\-]+)*"
_SAID = re.compile(rf"\s*,?\s*(?:({_NAME}|he|she|they)\s+(said|stated|told)|(said|stated)\s+({_NAME}))")


def extract(text: str, *, claim_threshold: float = 0.5) -> Extraction:
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
    quotes = []
    for match in _QUOTE.finditer(text):
        if len(match.group(1).split()) < 3:
            continue
        after = _SAID.match(text, match.end())
        speaker, s_start, s_end, cue = "", None, None, ""
        if after:
            group = 1 if after.group(1) else 4
            speaker, s_start, s_end = after.group(group), after.start(group), after.end(group)
            cue = after.group(2) or after.group(3)
        quotes.append(QuoteSpan(start=match.start(1), end=match.end(1), text=match.group(1), speaker=speaker,
                                speaker_start=s_start, speaker_end=s_end, cue=cue))
    return Extraction(claims=claims, quotes=quotes, version=EXTRACTOR_VERSION)
