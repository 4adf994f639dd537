"""Spans of an article's text, written once: the content hash, an item's context, the span check.

An item is the characters ``body[start:end]`` of one revision's body (``body`` is the cleaned
text, offsets count code points). Next to the span an item keeps a little of the text on
each side (its prefix and suffix), which is how it is found again when the text changes
(``anchoring``) and what a Web Annotation's ``TextQuoteSelector`` carries. Plain Python.
"""

from __future__ import annotations

import enum
import hashlib


def content_hash(body: str) -> str:
    """SHA-256 of the body text, hex: identifies a revision's content."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def span_context(body: str, start: int, end: int, *, width: int) -> tuple[str, str]:
    """The prefix and suffix of ``body[start:end]``: up to ``width`` characters on each side.

    Near the ends of the text a side is shorter (empty at the very start or end), never padded.
    """
    return body[max(0, start - width) : start], body[end : end + width]


class SpanProblem(enum.Enum):
    """Why ``body[start:end]`` cannot be an item's span, most basic reason first."""

    OUTSIDE = "outside"  # not 0 <= start < end <= len(body)
    MISMATCH = "mismatch"  # the characters there are not the text the caller expected
    BLANK = "blank"  # only white space there


def span_problem(
    body: str, start: int, end: int, *, text: str | None = None, allow_blank: bool = False
) -> SpanProblem | None:
    """What is wrong with ``[start:end]`` as a span of ``body``, or ``None`` when nothing is.

    ``text``, when given, must be exactly ``body[start:end]``. A span of white space only is a
    problem unless ``allow_blank`` (the engine's spans are checked against their text only; a
    reviewer's span must hold words). The first problem found is the one returned, in the order
    of ``SpanProblem``, so a caller can answer with the most useful message.
    """
    if not (0 <= start < end <= len(body)):
        return SpanProblem.OUTSIDE
    found = body[start:end]
    if text is not None and text != found:
        return SpanProblem.MISMATCH
    if not allow_blank and not found.strip():
        return SpanProblem.BLANK
    return None
