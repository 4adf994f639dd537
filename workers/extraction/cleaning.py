"""Remove page junk from article text pasted out of a web page.

Text copied from a news site carries things that are not the article: ad-slot markers
("assured version a 300x600 1", "Advertisement"), photo credits, share buttons, and a trailer
of navigation ("Tags:", "Related news & articles", "Latest news"). None of it may become a
claim, and reviewers should not have to read it, so ingestion stores the cleaned text and every
offset refers to it. A photo's caption is content, not junk (it is where a misattributed photo
is caught): only its credit line goes, and the caption stays as a paragraph of its own.

The cleaner works line by line and only ever drops whole lines or normalises white space; it
never rewrites the words of a line it keeps.
"""

from __future__ import annotations

import re
import unicodedata

# A line that is nothing but an ad slot: the word "advertisement" and friends, or an ad-unit
# name with a banner size such as 300x250 / 728x90 / 300x600.
_AD_LINE = re.compile(
    r"""^(?:
        (?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted|paid\s+content)
        \s*[:.\-]?\s*
      | .{0,40}?\b\d{2,4}\s?[x×]\s?\d{2,4}\b.{0,20}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Photo and image credits: "Photo: Reuters", "Image credit: ...", "(Photo by X/Getty Images)".
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?:photo|photograph|image|picture|pic|video|illustration|credit|source\s+image)s?"
    r"(?:\s+(?:credit|courtesy|by|via))?\s*[:/]"
    # "(Photo by A. Smith/Getty Images)", "Photo courtesy of the ministry": a name may hold
    # initials' full stops, so the line is a credit by its shape: parenthesised, or no sentence end.
    r"|^\(\s*(?:photo|photograph|image|picture|video)s?\s+(?:by|courtesy\s+of|via)\s[^()]{1,120}\)$"
    r"|^(?:photo|photograph|image|picture|video)s?\s+(?:by|courtesy\s+of|via)\s[^!?]{1,120}[^.!?]$",
    re.IGNORECASE,
)
_CREDIT_AGENCY_LINE = re.compile(
    r"^\(?[^.!?]{0,80}\b(?:getty images|shutterstock|afp|reuters|ap photo|epa)\b[^.!?]{0,40}\)?$",
    re.IGNORECASE,
)

# Headings that start the navigation trailer of a page; once one appears and nothing after it
# looks like article prose, the trailer is cut off whole.
_TRAILER_HEAD = re.compile(
    r"^(?:tags?|topics?|related(?:\s+(?:news|articles|stories|posts|content|coverage))?"
    r"(?:\s*(?:&|and)\s*articles)?|latest(?:\s+(?:news|stories|articles))?|featured|"
    r"most\s+(?:read|popular|viewed)|read\s+more|more\s+(?:news|stories|from\s+.+)|"
    r"share(?:\s+this(?:\s+(?:article|story))?)?|recommended(?:\s+for\s+you)?|"
    r"you\s+may\s+also\s+like|trending(?:\s+now)?|newsletter|sign\s+up.*|subscribe.*)"
    r"\s*[:.]?\s*(?:.{0,120})?$",
    re.IGNORECASE,
)

# Single-word social and share buttons on a line of their own.
_SHARE_LINE = re.compile(
    r"^(?:share|tweet|email|print|facebook|twitter|x|linkedin|whatsapp|telegram|reddit|copy\s+link)"
    r"(?:\s*[|·/,]\s*(?:share|tweet|email|print|facebook|twitter|x|linkedin|whatsapp|telegram"
    r"|reddit|copy\s+link))*$",
    re.IGNORECASE,
)

# C0/C1 control characters other than tab and newline, which no article contains and which
# some databases refuse (PostgreSQL cannot store NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _normalise_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _is_prose(line: str) -> bool:
    """A line that reads like article prose: long enough and ending as a sentence does."""
    return len(line) >= 80 and bool(_SENTENCE_END.search(line))


def _is_junk(line: str) -> bool:
    return bool(
        _AD_LINE.match(line)
        or _CREDIT_LINE.match(line)
        or _SHARE_LINE.match(line)
        or (len(line) <= 120 and _CREDIT_AGENCY_LINE.match(line))
    )


def scrub_text(raw: str) -> str:
    """Drop control characters and replace lone surrogates with U+FFFD, so any text can be stored."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", raw))


def clean_text(raw: str) -> str:
    """Return the article body of ``raw`` with page junk removed.

    Normalises Unicode to NFC and line endings to ``\\n``, folds runs of spaces (including
    no-break spaces), drops ad-slot lines, share buttons, photo credits (keeping the caption
    above a credit, as a paragraph of its own), and the navigation trailer ("Tags:", "Related news",
    "Latest news" ...) when nothing after it is prose. Paragraphs are separated by one blank
    line. Returns ``""`` when nothing of the article is left.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", scrub_text(text))
    lines = [_normalise_line(line) for line in text.split("\n")]

    # Cut the navigation trailer: the first trailer heading after which no line is prose.
    for index, line in enumerate(lines):
        if line and _TRAILER_HEAD.match(line) and not any(_is_prose(rest) for rest in lines[index + 1 :]):
            lines = lines[:index]
            break

    kept: list[str] = []
    for line in lines:
        if not line:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if _is_junk(line):
            if (_CREDIT_LINE.match(line) or _CREDIT_AGENCY_LINE.match(line)) and kept and kept[-1] != "":
                kept.append("")  # the caption above a credit is a paragraph of its own
            continue
        kept.append(line)

    while kept and kept[-1] == "":
        kept.pop()
    # Paragraphs: one blank line between non-empty lines that stood in separate blocks.
    return "\n".join(kept).replace("\n\n\n", "\n\n")


