"""The headline of an article: guessed with the byline from pasted text's first lines, and found
again at the top of a text given its title.

Ingestion stores the guess as the article's title and byline; the engine takes the title back
(``extract(text, headline=...)``, which asks ``headline_end``) so that the headline, which
frames the story and repeats the facts of its body, is never a claim of its own.
"""

from __future__ import annotations

import re

from workers.extraction.segmentation import split_sentences

# A headline is the first line, short, with more text after it. Many real headlines end in a
# full stop ("Obama signs the bill."), so ending like a sentence is not enough to refuse one;
# a first line that ends like a sentence is refused when it reads as body text instead: more
# words than a headline has, more than two sentences, a dateline, or reported speech.
# Measured on the openings of 829 articles of a public news corpus (PolNeAR, train split): the
# longest headline had 22 words, 95% had 15 or fewer, none more than two sentences; at 20 words
# 826 headlines are taken, and 8% of first paragraphs of over 100 characters (a text pasted
# without its headline) pass for one: short one-sentence ledes, which no rule of form tells apart.
_HEADLINE_MAX = 200
_HEADLINE_MAX_WORDS = 20
_HEADLINE_MAX_SENTENCES = 2
_BYLINE = re.compile(r"^By\s+(?P<name>[^.!?]{2,120})$")
# "WASHINGTON (AP) — ...", "DES MOINES, Iowa, Aug. 10 (UPI) — ...": the opening of a report.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}\s[—–-]{1,2}\s|\((?:AP|UPI|Reuters|AFP|CNN|dpa)\)")
# '... the minister said.', '..., he told reporters.': attribution closes body sentences.
_SPEECH_END = re.compile(r"\b(?:said|told\s[\w ]{1,30}|according\sto\s[^.!?]{1,60})[.!?][\"'”’]?$")
# A line ending like a sentence: ". ! ? …", perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def ends_like_sentence(line: str) -> bool:
    """Whether ``line`` ends as a sentence does (a headline usually does not)."""
    return bool(_SENTENCE_END.search(line))


def looks_like_headline(line: str) -> bool:
    """Whether ``line`` (the first line of a text with more lines after it) reads as a headline."""
    if len(line) > _HEADLINE_MAX or line.endswith(":") or _BYLINE.match(line):
        return False  # ":" introduces what follows; "By ..." is the byline
    if not ends_like_sentence(line):
        return True  # no sentence end: a headline, as long as it is short
    if len(line.split()) > _HEADLINE_MAX_WORDS or len(split_sentences(line)) > _HEADLINE_MAX_SENTENCES:
        return False
    return not (_DATELINE.search(line) or _SPEECH_END.search(line))


def headline_and_byline(body: str) -> tuple[str, str]:
    """Guess the headline and byline of pasted text from its first lines.

    The headline is the first line when ``looks_like_headline`` says so and text follows it
    (a text of one paragraph is all body). The byline is a "By ..." line among the first three.
    """
    lines = [line.strip() for line in body.split("\n")[:6] if line.strip()]
    title = ""
    if len(lines) > 1 and looks_like_headline(lines[0]):
        title = lines[0]
    byline = ""
    for line in lines[:3]:
        match = _BYLINE.match(line.strip())
        if match:
            byline = match.group("name").strip()
            break
    return title, byline


def headline_end(text: str, title: str) -> int:
    """Where the headline line ends when the first line of ``text`` is the article's ``title``
    (spacing aside), else 0.

    Only a line that does not end like a sentence, with more text after it: a title guessed from
    pasted text can be a short lede (a text pasted without its headline), whose claim must stay.
    """
    title = " ".join(title.split())
    if not title or ends_like_sentence(title):
        return 0
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end < 0 or not text[end:].strip():
        return 0
    return end if " ".join(text[start:end].split()) == title else 0
