"""Text as the matcher sees it: tweet and page noise removed, and words for the lexical index.

``prepare_text`` is applied to claims and fact-checks alike before both the lexical index and the
encoder, so a hashtag such as ``#AustralianFires`` counts as the words it is made of and a link
counts as nothing.
"""

from __future__ import annotations

import re

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SPACES = re.compile(r"\s+")

# Words too common to say which fact-check a claim is about.
STOPWORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves via rt amp""".split()
)


def prepare_text(text: str) -> str:
    """``text`` without links, with each hashtag as its words, whitespace collapsed."""
    text = _URL.sub(" ", text)
    text = _HASHTAG.sub(lambda match: _CAMEL_BOUNDARY.sub(" ", match.group(1)), text)
    return _SPACES.sub(" ", text).strip()


def stem(word: str) -> str:
    """A light English stem: plural and possessive endings off, so "vaccines" finds "vaccine"."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def index_terms(text: str) -> list[str]:
    """The lexical index's terms of ``text`` (already prepared): lower-cased stems, stopwords out."""
    words = (word.lower() for word in _WORD.findall(text))
    return [stem(word) for word in words if word not in STOPWORDS]
