"""Quote marks: which way each one faces, and how they pair into quotes within and across paragraphs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from workers.extraction.quotes.patterns import MARK

_LEFT_CONTEXT = "([{\u2014\u2013-/:; \t\n"  # a straight mark after these opens a quote


@dataclass(slots=True)
class RawQuote:
    """A quote found by pairing marks: offsets of its opening and closing marks (inclusive)."""

    start: int  # index of the opening mark
    end: int  # index just past the closing mark
    paragraph_start: int
    paragraph_end: int


def mark_direction(text: str, index: int, mark: str) -> str:
    """Return "open", "close" or "" (cannot tell) for the quote mark at ``index``."""
    before = text[index - 1] if index > 0 else "\n"
    after_index = index + len(mark)
    after = text[after_index] if after_index < len(text) else "\n"
    if mark in ("“", "«"):
        # Some sites use “ for both ends; one glued to a word on its left and not on its right closes.
        if not before.isspace() and before not in "([{—–-/" and (after.isspace() or after in ".,;:!?"):
            return "close"
        return "open"
    if mark in ("”", "»"):
        if before.isspace() and not after.isspace() and after.isalnum():
            return "open"
        return "close"
    opens = before.isspace() or before in _LEFT_CONTEXT  # the start of the text reads as "\n"
    closes = not before.isspace()
    if opens and not after.isspace():
        return "open"
    if closes:
        return "close"
    return ""


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every non-blank line; news paragraphs are one line each."""
    position = 0
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        end = length if newline < 0 else newline
        if text[position:end].strip():
            yield position, end
        position = end + 1


def pair_marks(text: str) -> list[RawQuote]:
    """Pair opening and closing marks into quotes, paragraph by paragraph."""
    quotes: list[RawQuote] = []
    pending_start: int | None = None  # opening mark of a quote not yet closed
    pending_paragraph = 0
    carried = False  # the pending quote started in an earlier paragraph
    for paragraph_start, paragraph_end in _paragraphs(text):
        marks = [
            (match.start(), match.group(), mark_direction(text, match.start(), match.group()))
            for match in MARK.finditer(text, paragraph_start, paragraph_end)
        ]
        if pending_start is not None:
            # A multi-paragraph quote goes on only if this paragraph reopens it first thing.
            first = text[paragraph_start:paragraph_end].lstrip()[:2]
            if not marks or marks[0][2] != "open" or not MARK.match(first):
                pending_start = None
            else:
                marks = marks[1:]
                carried = True
        for index, mark, direction in marks:
            if direction == "open":
                if pending_start is None:
                    pending_start, pending_paragraph, carried = index, paragraph_start, False
                elif not carried:
                    # Two openings in a row: the first was never closed, start again here. (Inside a
                    # quote carried over from an earlier paragraph, an opening mark changes nothing.)
                    pending_start, pending_paragraph = index, paragraph_start
            elif direction == "close" and pending_start is not None:
                quotes.append(RawQuote(pending_start, index + len(mark), pending_paragraph, paragraph_end))
                pending_start, carried = None, False
        # Still open at the end of the paragraph: kept only if the next paragraph reopens it.
    return quotes
