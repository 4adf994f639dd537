"""Read a web page: its main article text and metadata, with a maintained extraction library.

Uses trafilatura, which drops navigation, comments and boilerplate. The text returned has one
blank line between paragraphs; the caller cleans it (``clean_text``) before storing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import trafilatura

from workers.extraction.cleaning import scrub_text

_HTML_LANG = re.compile(rb"""<html[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageDocument:
    text: str
    title: str = ""
    byline: str = ""
    publisher: str = ""
    published_date: dt.date | None = None
    language: str = ""


def document_from_html(html: str | bytes, *, url: str | None = None) -> PageDocument:
    """Return the main text and metadata of a web page; empty text when it has none.

    Accepts bytes in any encoding the page declares (or that can be guessed) and text with
    stray control characters or invalid code points, which are dropped or replaced rather
    than raising.
    """
    raw = html.encode("utf-8", "replace") if isinstance(html, str) else html
    raw = raw.replace(b"\x00", b"")
    if not raw.strip():
        return PageDocument(text="")
    document = trafilatura.bare_extraction(
        raw, url=url, with_metadata=True, include_comments=False, include_tables=False, include_images=False
    )
    if document is None:
        return PageDocument(text="")
    text = scrub_text(document.text or "")
    # One paragraph a line in trafilatura's output; a blank line between them reads better.
    text = "\n\n".join(line for line in text.split("\n") if line.strip())
    language = document.language or ""
    if not language:
        match = _HTML_LANG.search(raw[:4096])
        language = match.group(1).decode("ascii").lower() if match else ""
    return PageDocument(
        text=text,
        title=scrub_text(document.title or "").strip(),
        byline=scrub_text(document.author or "").strip(),
        publisher=scrub_text(document.sitename or "").strip(),
        published_date=_parse_date(document.date),
        language=language,
    )


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
