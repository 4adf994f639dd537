"""Mentions of people in a text, to resolve a quote's speaker to the fullest name given earlier.

Heuristic, without a tagger: a person mention is a run of capitalised words (optionally after a
title such as "Sen." or "Mr.") that is not a month, a weekday or an organisation-like phrase.
A surname or a titled surname resolves to the latest full name that ends with it, and a pronoun
resolves to the person mentioned last before it.
"""

from __future__ import annotations

import bisect
import re

_PRONOUNS = frozenset("he she they i we it him her them his hers their".split())
_TITLE_WORDS = frozenset(
    "mr mrs ms dr sen rep gov gen lt col capt sgt prof rev pres adm maj cpl supt insp det hon sir dame lord lady "
    "president senator governor general minister secretary chancellor judge justice mayor representative speaker "
    "congressman congresswoman ambassador director chairman chairwoman chief prime king queen prince princess pope "
    "sheriff commissioner councilman councilwoman candidate nominee former vice deputy spokesman spokeswoman".split()
)
# Capitalised words that start a sentence or name a thing, not a person.
_NOT_PERSON_WORDS = frozenset(
    "the a an this that these those it its in on at for to from by with of and or but if when while after before "
    "as he she they we i you his her their our my your there here what why how who where which "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec "
    "party department ministry house senate congress court university college school news times post journal "
    "street avenue road county city state states republic union council committee commission agency office "
    "company inc corp ltd group bank fund foundation institute association center centre club church army "
    "navy force forces police airlines network media press television radio tv cnn fox nbc abc cbs msnbc "
    "democrats republicans democratic republican gop white america american americans united nations european "
    "north south east west new york washington london twitter facebook instagram youtube google "
    "obamacare medicare medicaid isis islamic".split()
)
_NAME_RUN = re.compile(
    r"(?<![\w’'])(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Prof|Rev)\.?\s+)?"
    r"[A-Z][a-zà-ÿ][A-Za-zà-ÿ’'\-]*(?:\s+(?:[A-Z]\.\s*)*(?:(?:de|van|von|bin|al|da|del|la|le|di)\s+)?[A-Z][a-zà-ÿ][A-Za-zà-ÿ’'\-]*){0,3}"
)
_TITLE_PREFIX = re.compile(r"^(?:(?:" + "|".join(sorted(_TITLE_WORDS, key=len, reverse=True)) + r")\.?\s+)+", re.I)


def is_pronoun(phrase: str) -> bool:
    """True for "he", "She", "they" ... (a speaker named only by a pronoun)."""
    return phrase.strip().lower() in _PRONOUNS


def _strip_title(name: str) -> str:
    return _TITLE_PREFIX.sub("", name).strip()


class NameIndex:
    """Person mentions of one text, in order, for resolving speakers."""

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        self._names: list[str] = []  # the mention with its title removed
        self._full_by_surname: dict[str, list[tuple[int, str]]] = {}
        for match in _NAME_RUN.finditer(text):
            mention = match.group()
            words = mention.split()
            titled = words[0].rstrip(".").lower() in _TITLE_WORDS
            bare = _strip_title(mention)
            bare_words = bare.split()
            if not bare_words or any(word.lower().strip("’'") in _NOT_PERSON_WORDS for word in bare_words):
                continue
            if len(bare_words) < 2 and not titled:
                # A single capitalised word counts only once it is known as a surname.
                if bare not in self._full_by_surname:
                    continue
            self._starts.append(match.start())
            self._names.append(bare)
            if len(bare_words) >= 2:
                self._full_by_surname.setdefault(bare_words[-1], []).append((match.start(), bare))

    def mentions(self) -> list[str]:
        """Every person mention, in order of appearance (titles removed)."""
        return list(self._names)

    def full_name(self, name: str, position: int) -> str:
        """The latest full name before ``position`` that ends with ``name``, else the first after, else ``name``."""
        bare = _strip_title(name)
        words = bare.split()
        if not words:
            return name.strip()
        candidates = self._full_by_surname.get(words[-1], [])
        index = bisect.bisect_left(candidates, (position, ""))
        # Walk back from the mention to the nearest earlier full name, then forward if none.
        for _start, full in [*reversed(candidates[max(0, index - 20) : index]), *candidates[index : index + 20]]:
            if len(full.split()) >= len(words) and full.endswith(bare):
                return full
        return bare

    def last_person_before(self, position: int) -> str:
        """The person mentioned last before ``position`` (full name), or "" if none."""
        index = bisect.bisect_left(self._starts, position) - 1
        if index < 0:
            return ""
        return self.full_name(self._names[index], self._starts[index])

    def resolve(self, speaker: str, position: int) -> str:
        """Resolve a speaker phrase found at ``position``: pronoun or surname -> fullest name."""
        phrase = speaker.strip()
        if is_pronoun(phrase):
            return self.last_person_before(position)
        if phrase[:1].isupper() and phrase.split()[0].lower() not in ("the", "a", "an", "another", "one"):
            return self.full_name(phrase, position)
        return phrase
