"""The sentence around a quote, looked for within a bounded window."""

from __future__ import annotations

from workers.extraction.quotes.patterns import SENTENCE_BREAK

# How far a quote's sentence is looked for on either side; bounds the work per quote so that a
# text without sentence breaks (or thousands of marks) stays linear.
SENTENCE_WINDOW = 400


def sentence_bounds(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """The sentence around ``start..end`` within ``lower..upper`` (a paragraph), at most a window wide."""
    lower = max(lower, start - SENTENCE_WINDOW)
    upper = min(upper, end + SENTENCE_WINDOW)
    left = lower
    for match in SENTENCE_BREAK.finditer(text, lower, start):
        left = match.end()
    right_match = SENTENCE_BREAK.search(text, end, upper)
    right = right_match.end() if right_match else upper
    return left, right
