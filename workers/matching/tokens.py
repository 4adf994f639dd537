"""Text normalisation for matching: tweets and fact-check claims alike, for BM25 and for the encoder.

Tweets carry URLs, @handles, #hashtags, emoji and signature lines ("— Name (@handle) date") that
the claim a fact-checker wrote has none of. Both normalisations drop URLs, split CamelCase
hashtags and handles into words ("#FakeNews" -> "fake news"), and fold Unicode compatibility
forms (NFKC), so full-width letters and ligatures meet their plain spellings.
"""

from __future__ import annotations

import re
import unicodedata

# Articles, pronouns, auxiliaries and prepositions: frequent in both tweets and claims, they only
# add noise to BM25 (the encoder still sees them).
STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before
    after above below to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such no nor not only own same so
    than too very s t can will just don should now i me my myself we our ours ourselves you your
    yours yourself yourselves he him his himself she her hers herself it its itself they them their
    theirs themselves what which who whom this that these those am is are was were be been being
    have has had having do does did doing would could rt via amp""".split()
)

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_MARKED_WORD = re.compile(r"[@#](\w+)")
_CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SPACES = re.compile(r"\s+")


def _split_marked(match: re.Match) -> str:
    return " " + _CAMEL_BREAK.sub(" ", match.group(1).replace("_", " ")) + " "


def clean_text(text: str) -> str:
    """The text with URLs dropped, hashtags and handles turned into words, and spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" ", text)
    text = _MARKED_WORD.sub(_split_marked, text)
    return _SPACES.sub(" ", text).strip()


def _stem(word: str) -> str:
    """A light suffix stripper: plurals and possessives, enough for claims and tweets to meet."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def bm25_tokens(text: str) -> list[str]:
    """Lower-cased, lightly stemmed word tokens of ``text`` without stopwords, for BM25."""
    words = (_stem(word) for word in _WORD.findall(clean_text(text).casefold()))
    return [word for word in words if word not in STOPWORDS and (len(word) > 1 or word.isdigit())]
