"""Sentence segmentation for news text, and the page junk that must never become a claim.

Lines are the first unit: news text puts headlines, bylines, captions, list items and each
paragraph on lines of their own, and a line without a full stop (a headline) still ends there.
Inside a line, a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote or
bracket after it) when the next word starts like a sentence: upper case, a digit or an
opening quote. It does not end after a title or a month abbreviation ("Sen.", "Gen.", "Jan."),
an initial ("George W. Bush"), or inside a number ("3.5"); after "U.S." or "Inc." it ends only
when a typical sentence opener follows ("... in the U.S. The rest ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from workers.extraction.lexicon import (
    COURTESY_TITLES,
    MONTH_ABBREVIATIONS,
    NAME_SUFFIXES,
    NEAR_DAYS,
    SEGMENTATION_TITLES,
    SUBJECT_PRONOUNS,
    THIRD_PERSON_POSSESSIVES,
    TITLE_ABBREVIATIONS,
)

# Abbreviations after which a full stop never ends a sentence (titles, months, "No. 1").
_NEVER_FINAL = frozenset(
    word.lower() for word in (*TITLE_ABBREVIATIONS, *SEGMENTATION_TITLES, *MONTH_ABBREVIATIONS)
) | frozenset("st mt ft no nos vol pp art fig op vs v cf approx est dept univ assn bros gov't e.g i.e etc al".split())
# Abbreviations that may also end a sentence ("... in the U.S." / "... Apple Inc.").
_MAYBE_FINAL = frozenset(suffix.lower() for suffix in NAME_SUFFIXES) | frozenset(
    "u.s u.k u.n e.u inc corp ltd co a.m p.m d.c n.y l.a plc llc".split()
)
_SENTENCE_OPENERS = frozenset(
    word.lower() for word in (*SUBJECT_PRONOUNS, *THIRD_PERSON_POSSESSIVES, *NEAR_DAYS, *COURTESY_TITLES)
) | frozenset(
    "the a an it this that these those there but and so yet in on at for "
    "as after before when while if however meanwhile still also then now last".split()
)
_CANDIDATE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.']*)\.$")

_BYLINE = re.compile(
    r"^(?:by|written\s+by|reporting\s+by|words\s+by|story\s+by|edited\s+by|posted\s+by)\s+[A-Z][^.!?]{0,80}$"
    r"|^[A-Z][\w.\-]+(?:\s+[A-Z][\w.\-]+){0,3}\s*[|,/]\s*(?:staff\s+writer|reporter|correspondent|editor|contributor)"
    r"|^(?:published|updated|posted|last\s+updated)\b[^.!?]{0,80}$"
    # The article's own source line at its foot: "Source: President of Ukraine".
    r"|^(?:source|sources)\s*:\s*[^.!?]{0,100}$",
    re.IGNORECASE,
)
_AD_OR_NAV = re.compile(
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted|skip\s+(?:to\s+)?(?:content|ad)|"
    r"read\s+more|see\s+also|related(?:\s+\w+)?|tags?|topics?|share(?:\s+this)?|follow\s+us.*|"
    r"sign\s+up.*|subscribe.*|click\s+here.*|continue\s+reading|home|menu|search|log\s?in|"
    r"back\s+to\s+top|next\s+article|previous\s+article|comments?|print|email|tweet)\s*[:.\-|»>]?.{0,120}$"
    r"|^.{0,40}?\b\d{2,4}\s?[x×]\s?\d{2,4}\b.{0,20}$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^\(?\s*(?:photo|photograph|image|picture|pic|video|illustration|credit|file\s+photo)s?"
    r"(?:\s+(?:credit|courtesy|by|via))?\s*[:/]|"
    r"(?:getty\s+images|shutterstock|afp|reuters|ap\s+photo|epa|pool\s+photo)[^.!?]{0,30}\)?$",
    re.IGNORECASE,
)
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^@\w+$")
# A run of short items separated by commas, pipes or bullets: "Defence, NATO, Ukraine, Drones".
_TAG_LIST = re.compile(r"^(?:[#\w][\w'&.\- ]{0,30}(?:\s*[,|•·/]\s*)){3,}[#\w][\w'&.\- ]{0,30}$")
_BULLET = re.compile(r"^(?:[-*•·–—]|\d{1,2}[.)])\s+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: offsets into the text and whether its line is page junk."""

    start: int
    end: int
    junk: bool = False


def is_junk_line(line: str) -> bool:
    """True for lines that are not article prose: bylines, ads, navigation, credits, tag lists."""
    stripped = line.strip()
    if not stripped:
        return True
    if _BYLINE.match(stripped) or _AD_OR_NAV.match(stripped) or _CREDIT.search(stripped):
        return True
    if _URL_ONLY.match(stripped):
        return True
    return bool(not re.search(r"[.!?]", stripped) and _TAG_LIST.match(stripped))


def _ends_sentence(line: str, end_index: int, next_word_start: int) -> bool:
    """Whether the candidate full stop that ends at ``end_index`` (exclusive) ends a sentence."""
    punctuation_at = end_index
    while punctuation_at > 0 and line[punctuation_at - 1] in "\"'”’)]":
        punctuation_at -= 1
    if line[punctuation_at - 1] != ".":
        return True  # ! ? … always end a sentence when a capital follows
    match = _WORD_BEFORE.search(line, max(0, punctuation_at - 20), punctuation_at)
    if not match:
        return True
    word = match.group(1).lower().rstrip(".")
    if len(word) == 1 and match.group(1)[0].isupper():
        return False  # an initial: "George W. Bush"
    if word in _NEVER_FINAL:
        return False
    if word in _MAYBE_FINAL or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        next_word = re.match(r"[\"'“‘(]*([A-Za-z]+)", line[next_word_start:])
        return bool(next_word and next_word.group(1).lower() in _SENTENCE_OPENERS)
    return True


def _inside_quote(line: str, start: int, index: int) -> bool:
    """True when ``index`` lies inside a quotation opened since ``start`` and closed later on the line."""
    segment = line[start:index]
    opened = segment.count("“") > segment.count("”") or segment.count('"') % 2 == 1
    return opened and ("”" in line[index:] or '"' in line[index:])


def _split_line(line: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _CANDIDATE_END.finditer(line):
        if _inside_quote(line, start, match.end()):
            continue  # a quote of several sentences stays whole: "One. Two," he said.
        next_word_start = match.end()
        while next_word_start < len(line) and line[next_word_start].isspace():
            next_word_start += 1
        if _ends_sentence(line, match.end(), next_word_start):
            yield offset + start, offset + match.end()
            start = next_word_start
    if start < len(line):
        yield offset + start, offset + len(line)


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of ``text`` (stripped of surrounding white space and list bullets)."""
    sentences: list[Sentence] = []
    position = 0
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        line_end = length if newline < 0 else newline
        line = text[position:line_end]
        stripped = line.strip()
        if stripped:
            junk = is_junk_line(stripped)
            lead = len(line) - len(line.lstrip())
            bullet = _BULLET.match(line, lead)
            if bullet:
                lead = bullet.end()
            for start, end in _split_line(line[lead:].rstrip(), position + lead):
                if end > start:
                    sentences.append(Sentence(start, end, junk))
        position = line_end + 1
    return sentences
