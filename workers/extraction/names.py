"""Mentions of people in a text, to resolve a quote's speaker to the fullest name given earlier.

Heuristic, without a tagger: a person mention is a run of capitalised words (optionally after a
title such as "Sen." or "Mr.") that is not a month, a weekday or an organisation-like phrase.
A surname or a titled surname resolves to the latest full name that ends with it, and a pronoun
resolves to the person mentioned last before it whose gender does not contradict it ("she" skips
a man mentioned in between), passing over mentions inside quotation marks and mentions after "the",
"in", "at" ... ("the Weekly Sentinel", "in Fort Pierce") unless no other candidate is near.

A person's gender is read from the text itself, never from a list of first names: a gendered title
("Mr.", "Mrs.", "Congresswoman") decides it; otherwise the pronouns that follow the person's
mentions vote ("Sanders ... his", "Clinton ... her"), and a clear majority decides it.
"""

from __future__ import annotations

import bisect
import re

from workers.extraction.lexicon import (
    FEMALE_PRONOUNS,
    FEMALE_TITLES,
    MALE_PRONOUNS,
    MALE_TITLES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NAME_RUN_PARTICLES,
    NAME_RUN_TITLES,
    POSSESSIVES,
    PRONOUNS,
    SENTENCE_OPENING_CUES,
    SPELLED_TITLES,
    SUBJECT_PRONOUNS,
    TITLE_ABBREVIATIONS,
    WEEKDAYS,
)

_PRONOUNS = frozenset(pronoun.lower() for pronoun in PRONOUNS)
_TITLE_WORDS = frozenset((*(title.lower() for title in TITLE_ABBREVIATIONS), *SPELLED_TITLES))
# Capitalised words that start a sentence or name a thing, not a person.
_NOT_PERSON_WORDS = frozenset(
    (
        *(word.lower() for word in (*SUBJECT_PRONOUNS, *MONTHS, *MONTH_ABBREVIATIONS, *WEEKDAYS)),
        *POSSESSIVES, *SENTENCE_OPENING_CUES,
    )
) | frozenset(
    "the a an this that these those it in on at for to from by with of and or but if when while after before "
    "as you there here what why how who where which "
    "party department ministry house senate congress court university college school news times post journal "
    "street avenue road county city state states republic union council committee commission agency office "
    "company inc corp ltd group bank fund foundation institute association center centre club church army "
    "navy force forces police airlines network media press television radio tv cnn fox nbc abc cbs msnbc "
    "democrats republicans democratic republican gop white america american americans united nations european "
    "north south east west new york washington london twitter facebook instagram youtube google "
    "obamacare medicare medicaid isis islamic".split()
)
_NAME_RUN = re.compile(
    rf"(?<![\w’'])(?:(?:{'|'.join(NAME_RUN_TITLES)})\.?\s+)?"
    rf"[A-Z][a-zà-ÿ][A-Za-zà-ÿ’'\-]*(?:\s+(?:[A-Z]\.\s*)*(?:(?:{'|'.join(NAME_RUN_PARTICLES)})\s+)?"
    r"[A-Z][a-zà-ÿ][A-Za-zà-ÿ’'\-]*){0,3}"
)
_MALE_TITLES = frozenset(MALE_TITLES)
_FEMALE_TITLES = frozenset(FEMALE_TITLES)
_GENDERED_PRONOUN = re.compile(
    rf"(?<![\w’'])(?:(?P<male>{'|'.join(MALE_PRONOUNS)})|(?P<female>{'|'.join(FEMALE_PRONOUNS)}))(?![\w’'])",
    re.IGNORECASE,
)
# Quotations within a paragraph, for telling which mentions sit inside one.
_QUOTED = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"|''[^\n]*?''")
_PLACE_BEFORE = re.compile(r"(?<![\w’'])(?:[Tt]he|in|at|near|into|across|outside|inside|throughout)\s+$")
_SENTENCE_END = re.compile(r"[.!?][\"”’']*\s|\n")
_MALE_PRONOUNS = frozenset(MALE_PRONOUNS)
_FEMALE_PRONOUNS = frozenset(FEMALE_PRONOUNS)
# A pronoun votes for the person mentioned last before it only when that mention is this close.
_VOTE_DISTANCE = 200
# How many earlier mentions a pronoun may skip to find a person of its gender.
_PRONOUN_LOOKBACK = 12
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
        self._ends: list[int] = []
        self._names: list[str] = []  # the mention with its title removed
        # A mention inside quotation marks or after "the", "in", "at" ... ("the Weekly Standard", "in Fort
        # Pierce") is a poor antecedent for a pronoun outside the quote.
        self._weak: list[bool] = []
        quoted = [(match.start(), match.end()) for match in _QUOTED.finditer(text)]
        quoted_starts = [start for start, _ in quoted]
        self._full_by_surname: dict[str, list[tuple[int, str]]] = {}
        titled_gender: dict[str, str] = {}  # surname -> "m" / "f" from a gendered title
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
            self._ends.append(match.end())
            self._names.append(bare)
            inside = bisect.bisect_right(quoted_starts, match.start()) - 1
            self._weak.append(
                (inside >= 0 and match.start() < quoted[inside][1])
                or (not titled and bool(_PLACE_BEFORE.search(text, max(0, match.start() - 10), match.start())))
            )
            if len(bare_words) >= 2:
                self._full_by_surname.setdefault(bare_words[-1], []).append((match.start(), bare))
            title = words[0].rstrip(".").lower()
            if title in _MALE_TITLES or title in _FEMALE_TITLES:
                titled_gender.setdefault(bare_words[-1], "m" if title in _MALE_TITLES else "f")
        self._gender_by_surname = self._genders(text, titled_gender)

    def _genders(self, text: str, titled_gender: dict[str, str]) -> dict[str, str]:
        """Surname -> "m" or "f": from a gendered title, else from the pronouns after the mentions."""
        votes: dict[str, list[int]] = {}
        for pronoun in _GENDERED_PRONOUN.finditer(text):
            index = bisect.bisect_left(self._starts, pronoun.start()) - 1
            if index < 0 or pronoun.start() - self._starts[index] > _VOTE_DISTANCE:
                continue
            if _SENTENCE_END.search(text, self._starts[index], pronoun.start()):
                continue  # only a pronoun in the mention's own sentence is good evidence
            tally = votes.setdefault(self._names[index].split()[-1], [0, 0])
            # "he" / "she" is usually the subject, the person just named; "his" / "her" less surely.
            weight = 2 if pronoun.group().lower() in ("he", "she") else 1
            tally[0 if pronoun.group("male") else 1] += weight
        genders = {}
        for surname, (male, female) in votes.items():
            # A clear majority, and more than one possessive: "X told Y that her ..." is not enough.
            if male >= max(2, 2 * female + 1):
                genders[surname] = "m"
            elif female >= max(2, 2 * male + 1):
                genders[surname] = "f"
        genders.update(titled_gender)
        return genders

    def gender(self, name: str) -> str:
        """ "m", "f" or "" (not known) for a person mention, judged over the whole text."""
        words = _strip_title(name).split()
        return self._gender_by_surname.get(words[-1], "") if words else ""

    def mentions(self) -> list[str]:
        """Every person mention, in order of appearance (titles removed)."""
        return list(self._names)

    def mention_span_after(self, position: int, limit: int) -> tuple[int, int] | None:
        """(start, end) of the first person mention that starts in ``position..limit``, or None."""
        index = bisect.bisect_left(self._starts, position)
        if index < len(self._starts) and self._starts[index] < limit:
            return self._starts[index], self._ends[index]
        return None

    def mention_span_before(self, position: int, lower: int) -> tuple[int, int] | None:
        """(start, end) of the last person mention that ends in ``lower..position``, or None."""
        index = bisect.bisect_left(self._starts, position) - 1
        if index >= 0 and self._starts[index] >= lower and self._ends[index] <= position:
            return self._starts[index], self._ends[index]
        return None

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

    def last_person_before(self, position: int, pronoun: str = "") -> str:
        """The person mentioned last before ``position`` (full name), or "" if none.

        For a gendered ``pronoun`` ("he", "She") the nearest person whose gender is not the other
        one is chosen; when every recent person has the other gender, the nearest person is kept.
        """
        index = bisect.bisect_left(self._starts, position) - 1
        if index < 0:
            return ""
        word = pronoun.strip().lower()
        wanted = "m" if word in _MALE_PRONOUNS else "f" if word in _FEMALE_PRONOUNS else ""
        candidates = range(index, max(-1, index - _PRONOUN_LOOKBACK), -1)
        for allow_weak in (False, True):  # a mention outside quotes and not a place first
            for candidate in candidates:
                if (allow_weak or not self._weak[candidate]) and (
                    not wanted or self.gender(self._names[candidate]) in (wanted, "")
                ):
                    return self.full_name(self._names[candidate], self._starts[candidate])
        return self.full_name(self._names[index], self._starts[index])

    def resolve(self, speaker: str, position: int) -> str:
        """Resolve a speaker phrase found at ``position``: pronoun or surname -> fullest name."""
        phrase = speaker.strip()
        if is_pronoun(phrase):
            return self.last_person_before(position, phrase)
        if phrase[:1].isupper() and phrase.split()[0].lower() not in ("the", "a", "an", "another", "one"):
            return self.full_name(phrase, position)
        return phrase
