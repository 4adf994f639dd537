"""Find an item's span again after the article's text changed.

In the order a reader would trust them:
1. exact: the item's text occurs in the new text (several times: the occurrence whose
   surroundings match the stored prefix and suffix best, then the one nearest the old place);
2. context: the stored prefix and suffix are found close together, and the words between them
   are taken as the item's new text;
3. fuzzy: the passage of the new text most similar to the item's text, if similar enough.
Only an exact anchor keeps the item's text unchanged; the other two mean the words changed and
a reviewer must look again. Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

# A fuzzy match must be at least this similar to the old text (difflib's ratio, 0..1).
FUZZY_MIN_RATIO = 0.6


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int
    end: int
    exact: bool


def _context_score(new_text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of the stored context agree, read outwards from the span."""
    score = 0
    before = new_text[max(0, start - len(prefix)) : start]
    for a, b in zip(reversed(before), reversed(prefix), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(new_text[end : end + len(suffix)], suffix, strict=False):
        if a != b:
            break
        score += 1
    return score


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def reanchor(
    *, old_text: str, new_text: str, start: int, end: int, prefix: str, suffix: str, near: int | None = None
) -> Anchor | None:
    """Where ``old_text[start:end]`` stands in ``new_text``, or ``None`` if it cannot be found.

    ``near``, when given, is the offset in ``new_text`` that breaks ties between equal hits; a
    caller without the whole old text (a Web Annotation's position) passes it instead.
    """
    exact = old_text[start:end]
    if not exact:
        return None
    # Where the item would be if the text had only grown or shrunk evenly.
    expected = near if near is not None else round(start * len(new_text) / max(len(old_text), 1))

    hits = []
    position = new_text.find(exact)
    while position != -1:
        hits.append(position)
        position = new_text.find(exact, position + 1)
    if hits:
        best = max(
            hits, key=lambda at: (_context_score(new_text, at, at + len(exact), prefix, suffix), -abs(at - expected))
        )
        return Anchor(best, best + len(exact), exact=True)

    if len(prefix) >= 8 and len(suffix) >= 8:
        for head in _all(new_text, prefix):
            body_start = head + len(prefix)
            tail = new_text.find(suffix, body_start, body_start + 2 * len(exact) + 64)
            if tail > body_start:
                span_start, span_end = _trimmed(new_text, body_start, tail)
                if span_end > span_start:
                    return Anchor(span_start, span_end, exact=False)

    matcher = SequenceMatcher(None, new_text, exact, autojunk=False)
    block = matcher.find_longest_match(0, len(new_text), 0, len(exact))
    if block.size == 0:
        return None
    guess_start = max(0, block.a - block.b)
    guess_end = min(len(new_text), guess_start + len(exact))
    candidate_start, candidate_end = _trimmed(new_text, guess_start, guess_end)
    if candidate_end <= candidate_start:
        return None
    if SequenceMatcher(None, new_text[candidate_start:candidate_end], exact).ratio() < FUZZY_MIN_RATIO:
        return None
    return Anchor(candidate_start, candidate_end, exact=False)


def _all(text: str, needle: str) -> list[int]:
    found = []
    position = text.find(needle)
    while position != -1 and len(found) < 50:
        found.append(position)
        position = text.find(needle, position + 1)
    return found
