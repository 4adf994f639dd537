"""Value types the extraction engine returns.

Every span is a pair of character offsets (Python ``str`` indices, i.e. code points) into the
text the engine was given, with ``text[start:end] == span.text`` as an invariant that callers
may rely on and that the engine's tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """A check-worthy statement: usually one sentence."""

    start: int
    end: int
    text: str
    score: float  # check-worthiness, 0..1
    # What a reviewer checks: {"numbers": [...], "dates": [...], "people": [...],
    # "places": [...], "organisations": [...], "speaker": str | None}; keys may be absent.
    facets: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A direct quote, with who said it and the cue that attributes it."""

    start: int
    end: int
    text: str
    speaker: str  # the resolved name ("Volodymyr Zelenskyy" for "he"); "" when unknown
    speaker_start: int | None  # where this quote's speaker is named (may be a pronoun)
    speaker_end: int | None
    cue: str  # "said", "stated", "according to", ... ; "" when none was found
    score: float = 1.0  # confidence in the speaker, 0..1: one of quotes.cascade's CONFIDENCE_* values


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the engine found in one text, and the version of the engine that found it."""

    claims: list[ClaimSpan]
    quotes: list[QuoteSpan]
    version: str
