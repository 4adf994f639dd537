"""Value types of the matching engine: a fact-check in the library and a match found for a text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FactCheck:
    """An earlier fact-check to match against: the claim as the checker phrased it, and its headline."""

    id: str
    claim: str
    title: str = ""
    rating: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A fact-check found for a text, with a score in [0, 1] (higher: more likely the same claim)."""

    id: str
    score: float
