"""Direct quotes in news text, with the speaker and the cue that attributes them.

How it works, paragraph by paragraph (a paragraph is a run of text between line breaks):

1. Quote marks are classified as opening or closing from their shape (“ ” « ») or, for the
   straight ``"`` and the typewriter ``''``, from the characters around them. Marks are paired
   within a paragraph; a quote left open at the end of a paragraph carries on only when the next
   paragraph reopens it (the news convention for multi-paragraph quotes), and is otherwise
   dropped, so one unbalanced mark never swallows the rest of the article.
2. A quote interrupted by its attribution ("We will," she said, "go on.") is joined into one
   span running from the first opening mark to the last closing mark.
3. The speaker is looked for, in order: in the interrupting clause; right after the closing
   mark (", the senator said", ", Ortiz on Tuesday said", ", Hartwell, the former treasurer
   and ... , said" with a long appositive, and after a comma inside the marks with any verb in
   the past tense: ", Trump barked"); right before the opening mark ("X said:", "according to X
   of the Y,", "Said X, who ...,", "X cracked,", "The county's engineer shrugged,", and for a
   sentence that ends in a colon, the name before the colon or the subject of the sentence). A
   quote that ends its sentence with a full stop looks before itself first, since a clause after
   it ("He added, ...") starts the next sentence. A quote that opens its paragraph under a line
   ending in a colon ("Ito was blunt:") takes that line's speaker, across several quoted
   paragraphs. Then the subject of a cue verb in the same sentence (He called it "a disgrace";
   for "..., saying" and "went on to say" the subject of the clause they hang on, else the
   person named last before the cue; for "..., said X", even after a name that ends a clause
   ("... overtake Harmon, said Jo Ames"), and for "was asked by X", the X after the cue; a
   calendar word after a cue, "said Tuesday", is never a speaker); then the attribution that
   ends the previous sentence or a dash line under the quote ("- Bernie Sanders"), unless the
   quote sits inside a sentence of its own with no cue ("The fire chief lists “...”"), which
   belongs to that sentence's subject; for a quote that stands alone, the speaker of the quote
   just before it. Last, a quote paragraph still without a speaker takes the speaker named after
   the run of quote paragraphs it opens, else the person named nearest to it.
   Sentence breaks skip the full stops of titles, initials and party labels ("Ms. Ortega",
   "George W. Bush", "(D-N.M.) said"), and phrases that open with a function word ("Outside
   City Hall", "Together with ...") are not speakers.
4. A one- or two-word quote without speech punctuation, or a quoted title in Title Case, is a
   scare quote or a name, not speech, and is skipped unless a cue attributes it.

Speakers named by a pronoun or a surname are resolved to the fullest name seen earlier
("he" -> "Volodymyr Zelenskyy", "Mr. Trump" -> "Donald Trump"); a gendered pronoun skips a
person of the other gender, and prefers a mention outside quotation marks that is not a place or a
publication ("in Fort Pierce", "the Daily Ledger") (see ``names``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from workers.extraction.lexicon import (
    MONTHS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NEAR_DAYS,
    SENTENCE_OPENING_CUES,
    SPEAKER_RULE_MONTH_ABBREVIATIONS,
    SPEECH_DAYS,
    SUBJECT_PRONOUNS,
    THIRD_PERSON_POSSESSIVES,
    THIRD_PERSON_PRONOUNS,
    TITLE_ABBREVIATIONS,
    WEEKDAYS,
)
from workers.extraction.names import NameIndex, is_pronoun
from workers.extraction.types import QuoteSpan

# The cue verbs of attribution, as lemmas; their inflections are generated below.
_CUE_LEMMAS = (
    "say tell add state write ask explain note argue insist declare continue reply respond recall warn tweet post "
    "claim announce acknowledge admit complain concede joke quip remark suggest urge shout yell testify emphasize "
    "emphasise point boast predict promise vow pledge observe comment report recount conclude call describe "
    "caution charge contend counter allege assert maintain reiterate repeat stress tout mock scoff lament "
    "muse wonder marvel chide blast slam accuse praise thank quote read cite agree concur confirm deny "
    "estimate sing chant cry exclaim answer scream jeer issue"
).split()
# Base forms that are far more often nouns ("a report", "the call") than verbs of speech.
_NOUN_LIKE_BASES = frozenset(
    "state report post comment call quote read point note charge counter claim promise tweet estimate "
    "answer chant cry continue repeat issue".split()
)
_IRREGULAR = {"say": ("said", "says", "saying"), "tell": ("told", "tells", "telling"),
              "write": ("wrote", "writes", "writing", "written"), "sing": ("sang", "sings", "singing"),
              "read": ("reads", "reading"), "cry": ("cried", "cries", "crying")}


def _inflections(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    if lemma.endswith("e"):
        return (lemma, lemma + "d", lemma + "s", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ied", lemma[:-1] + "ies", lemma + "ing")
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", lemma):  # one short vowel: double the consonant
        return (lemma, lemma + lemma[-1] + "ed", lemma + "s", lemma + lemma[-1] + "ing")
    return (lemma, lemma + "ed", lemma + "s", lemma + "ing")


CUE_WORDS: frozenset[str] = frozenset(
    form for lemma in _CUE_LEMMAS for form in _inflections(lemma) if form not in _NOUN_LIKE_BASES
)
_CUE_ALTERNATION = "|".join(sorted(CUE_WORDS, key=len, reverse=True))
# Multi-word cues. "according to" is the commonest way news text attributes without a verb.
_CUE = rf"(?:according\s+to|point(?:ed|s|ing)?\s+out|went\s+on|goes\s+on|puts?\s+it|(?:{_CUE_ALTERNATION})\b)"

# Titles written before a name; their full stop never ends a sentence (see _SENTENCE_BREAK).
# "Jr.", "Sr." and "St." belong to names too, but may end a sentence ("... Martin Luther King Jr.").
_TITLE = rf"(?:{'|'.join((*TITLE_ABBREVIATIONS, *NAME_SUFFIXES, 'St'))})\.?"
_WEEKDAY = rf"(?:{'|'.join(WEEKDAYS)})"
_NAME_WORD = r"(?:[A-Z][\w’'\-]*\.?|[A-Z]\.)"
_NAME_LINK = rf"(?:{'|'.join(NAME_PARTICLES)})"
_PROPER_NAME = rf"(?:{_TITLE}\s+)?{_NAME_WORD}(?:\s+(?:{_NAME_LINK}\s+)?{_NAME_WORD}){{0,4}}"


def _either_case(words: tuple[str, ...]) -> str:
    """An alternation of ``words`` as written, then capitalised: "he|we|I|He|We"."""
    return "|".join((*words, *(word.capitalize() for word in words if not word[0].isupper())))


_PRONOUN = rf"(?:{_either_case(SUBJECT_PRONOUNS)})"
# "[Hh]is|[Hh]er|[Tt]heir|[Ii]ts"
_POSSESSIVE = "|".join(f"[{word[0].upper()}{word[0]}]{word[1:]}" for word in THIRD_PERSON_POSSESSIVES)
_DETERMINER = (
    rf"(?:[Tt]he|[Aa]n?|[Aa]nother|[Oo]ne|{_POSSESSIVE}|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any)"
)
# Where a speaker phrase stops: punctuation, or a word that starts circumstance ("on Tuesday").
_PHRASE_END = (
    r"(?=\s*[,.;:!?)(]|\s+(?:on|in|at|during|who|after|before|when|as|while|about|to|from|last|this|"
    rf"{'|'.join(NEAR_DAYS)}|earlier|later|recently|told|said|says)\b|\s*$)"
)
# "the campaign's spokesman", "a senior official", "another source", "one aide"
_DESCRIPTION = rf"(?:{_DETERMINER}(?:\s+[\w’'\-]+){{1,9}}?{_PHRASE_END})"
# "former Rep. George Miller", "master of ceremonies Asab Al-Tabchi", "Sen. Ted Cruz"
_PREMODIFIED_NAME = rf"(?:(?:[a-z][\w’'\-]*\s+){{0,4}}?{_PROPER_NAME})"
# After a closing mark the speaker phrase is anchored, so it may be longer: lower-case words and names
# mixed, ending in a name ("state Sen. Jason Holsman", "former George W. Bush speechwriter Noam Neusner").
_LONG_NAME = rf"(?:(?:[a-z][\w’'\-]*|{_NAME_WORD})\s+){{0,6}}?{_PROPER_NAME}"
_SPEAKER = rf"(?:{_PRONOUN}\b|{_PREMODIFIED_NAME}|{_DESCRIPTION})"
# A speaker phrase that ends right before its cue: a name, a pronoun, a description, or a few
# lower-case words such as "federal prosecutors".
_SPEAKER_ENDING = (
    rf"(?:{_PRONOUN}|{_PROPER_NAME}|{_DETERMINER}(?:\s+[\w’'\-]+){{1,6}}|[Aa]nother|[a-z][\w\-]+(?:\s+[a-z][\w\-]+){{0,2}})"
)
_APPOSITIVE = r"(?:\s*\([^()\n]{1,30}\))?(?:,\s[^!?\n“”\"]{1,110}?,)?"
# Adverbs and auxiliaries between a speaker and the cue: "Trump later said", "Kasich has also broadly called".
_ADVERB = (
    r"(?:(?:[a-z]+ly|also|later|then|once|still|just|never|even|has|had|have|will|would|may|might|could|can|"
    rf"should|must|did|does|do|was|were|is|are|been|(?:on\s+)?{_WEEKDAY}|"
    rf"{'|'.join(SPEECH_DAYS)})\s+){{0,3}}"
)

# Attribution after a closing mark: ", she said", " said the senator", ", according to the ministry".
_AFTER_SPEAKER_CUE = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_SPEAKER_ENDING}|{_LONG_NAME}){_APPOSITIVE}\s+{_ADVERB}(?P<cue>{_CUE})"
)
# A name and a long appositive before the cue: "“...,” Trump, the front-runner in every poll since the
# summer and the winner of the primary last week, said". Anchored at the closing mark; the appositive
# holds no sentence end and no quote mark.
_AFTER_NAME_LONG_APPOSITIVE_CUE = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PREMODIFIED_NAME}),\s[^.!?\n“”\"]{{1,240}}?,\s+{_ADVERB}(?P<cue>{_CUE})"
)
_AFTER_CUE_SPEAKER = re.compile(rf"[\s,;:—–\-]*(?P<cue>{_CUE})\s+(?P<speaker>{_SPEAKER})")
# Any verb in the past tense after a quote that ends like speech: "“...,” Trump barked", "beamed Hartley".
# After a comma inside the marks, "state", "report" ... are verbs too ("the Saudis state in the paper").
_PAST_VERB = (
    rf"(?:[a-z]{{3,}}ed|shot\s+back|fired\s+back|wrote|spoke|sang|went\s+on|{'|'.join(sorted(_NOUN_LIKE_BASES))})\b"
)
_SPEECH_END = re.compile(r"[,?!][\s’'\"”»]*$")
_AFTER_SPEAKER_VERB = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PRONOUN}|it|It|{_LONG_NAME}|{_DETERMINER}(?:\s+[\w’'\-]+){{1,6}}?)"
    rf"{_APPOSITIVE}\s+(?:[a-z]+ly\s+|then\s+)?(?P<cue>{_PAST_VERB})"
)
_AFTER_VERB_SPEAKER = re.compile(
    rf"[\s,;:—–\-]*(?P<cue>{_PAST_VERB})\s+(?P<speaker>{_PROPER_NAME}|{_DESCRIPTION})"
)
# A sentence that opens with its cue: "Said Comey, "..."", "Added the senator: "..."". "Asked" takes no
# appositive, so it has a branch of its own.
_OPENING_CUE = "|".join(cue.capitalize() for cue in SENTENCE_OPENING_CUES if cue != "asked")
_INVERTED_CUE_BEFORE = re.compile(
    rf"^\W*(?:(?P<cue>{_OPENING_CUE})\s+(?P<speaker>{_SPEAKER})"
    rf"(?:\s+(?:of|from|at)\s+[^,“”\"\n]{{1,60}}?)?(?:,\s[^“”\"\n]{{1,150}}?)?"
    rf"|(?P<asked>Asked)\s+(?P<asked_speaker>{_SPEAKER}))\s*[,:]\s*$"
)
# "according to Jo Ames of the Policy Center,": the speaker is the person, named before "of".
_ACCORDING_BEFORE = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?P<speaker>{_SPEAKER})(?:\s+of\s+(?:the\s+)?{_PROPER_NAME})?\s*,\s*$"
)
# "Bush: "The mission ..."" -- a name and a colon introduce the words of a transcript or a post.
_NAME_COLON = re.compile(rf"^\W*(?P<speaker>{_PREMODIFIED_NAME}{_APPOSITIVE})\s*:\s*$")
_SPEAKER_VERB_BEFORE = re.compile(
    rf"(?<![\w’'])(?P<speaker>{_PRONOUN}|{_PROPER_NAME}|{_DETERMINER}(?:\s+[\w’'\-]+){{1,4}})"
    rf"(?:\s*\([^()\n]{{1,30}}\))?(?:,\s+[a-z][\w\s\-]{{0,30}},)?\s+(?:[a-z]+ly\s+)?"
    rf"(?P<cue>[a-z]{{3,}}ed|shot\s+back|fired\s+back)\s*[,:]\s*$"
)
# After a quote: only punctuation to the end of its line, then a line that opens with a dash and a name.
_DASH_SPEAKER = re.compile(
    rf"[^\S\n]*[.,]?[^\S\n]*(?:\n[^\S\n]*)+[-—–]+[^\S\n]*(?P<speaker>{_LONG_NAME})[^\S\n]*(?:[,.(]|$)",
    re.MULTILINE,
)
_CLOSES_SENTENCE = re.compile(r"\.[’'\"”»]+$")
_ENDS_WITH_COLON = re.compile(r":\s*$")
# A name right before the colon, after the start of the line or a dash: "... - Carl Bialik:",
# "Rep. Trey Gowdy (R-S.C.):".
_NAME_BEFORE_COLON = re.compile(
    rf"(?:^|(?<=\n)|(?<=[-—–]\s)|(?<=[.!?]\s))\W*(?P<speaker>{_PREMODIFIED_NAME}(?:\s+and\s+{_PROPER_NAME})?)"
    rf"(?:\s*\([^()\n]{{1,30}}\))?\s*:\s*$"
)
_DASH_NAME_COLON = re.compile(
    rf"(?<=\s)[-—–]\s+(?P<speaker>{_PROPER_NAME}(?:\s+and\s+{_PROPER_NAME})?)\s*:\s*$"
)
# Candidate cue words are found with a plain word pattern and a set look-up: a regex alternation
# of every inflected cue, tried at each position, is many times slower on long sentences.
_CUE_CANDIDATE = re.compile(
    r"(?<![\w’'])(?P<cue>(?:according\s+to|point(?:ed|s|ing)?\s+out|went\s+on|goes\s+on|puts?\s+it)\b|[a-z]+\b)"
)


_DETERMINER_BEFORE = re.compile(r"(?<![\w’'])(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir)\s+$")


def _find_cues(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Cue words and phrases of ``text[start:end]``, in order."""
    for match in _CUE_CANDIDATE.finditer(text, start, end):
        word = match.group("cue")
        if word in CUE_WORDS or " " in word or "\n" in word or "\t" in word:
            if _DETERMINER_BEFORE.search(text, max(start, match.start() - 8), match.start()):
                continue  # "a written statement", "the reported plan": an adjective, not a verb
            yield match
_SPEAKER_BEFORE_CUE = re.compile(
    rf"(?<![\w’'])(?P<speaker>{_SPEAKER_ENDING}){_APPOSITIVE}\s*,?\s+{_ADVERB}$"
)
_SPEAKER_AFTER_CUE = re.compile(rf"\s+(?P<speaker>{_SPEAKER})")
_COMMA_BEFORE = re.compile(r",\s*$")
_BARE_COMMA = re.compile(r"\s*,\s*")
# Capitalised words after a cue that say when, not who: "said Tuesday", "wrote in March".
_CALENDAR_WORD = re.compile(
    rf"(?:{_WEEKDAY}|{'|'.join(MONTHS)}|{'|'.join(SPEAKER_RULE_MONTH_ABBREVIATIONS)})\b"
)
# Cues whose object is the person spoken to ("told POLITICO", "asked the crowd"), never inverted.
_ADDRESSEE_CUES = frozenset(
    form for lemma in ("tell", "ask", "urge", "thank", "praise", "accuse", "call", "warn", "chide", "mock", "blast",
                       "slam", "quote", "cite", "answer", "remind") for form in _inflections(lemma)
)
# A phrase right after one of these is governed by it ("In a statement", "to the Observer", "the Observer").
_PREPOSITION_BEFORE = re.compile(
    r"(?<![\w’'])(?:[Ii]n|[Oo]n|[Aa]t|[Tt]o|[Ff]or|[Ww]ith|[Bb]y|[Ff]rom|[Oo]f|[Aa]bout|[Dd]uring|[Ii]nto|[Oo]ver|"
    r"[Tt]he|[Aa]n?)\s+$"
)
# "her senior adviser, Jake Sullivan, said": the name in the appositive is the better speaker.
# "at party headquarters, Jo Ames, 70, said": an age may follow the name, and so may a relative clause
# ("Asked whether she would run, Mayor Jo Ames, who has served two terms, said").
_NAME_APPOSITIVE = re.compile(
    rf",\s+(?P<name>{_PREMODIFIED_NAME})(?:,\s+\d{{1,3}})?(?:,\s+(?:who|whose)\s[^,“”\"\n]{{1,100}})?\s*,\s*(?:{_ADVERB})?$"
)
# The agent of a passive cue: "was asked by host Bill Maher".
_BY_AGENT = re.compile(rf"\s+by\s+(?P<speaker>{_PREMODIFIED_NAME}|{_DESCRIPTION})")
_NAMED_SUBJECT = re.compile(rf"{_PRONOUN}|{_PROPER_NAME}")
# Participles attribute to the subject of the sentence: "Clinton ..., telling the crowd, "...""
_PARTICIPLE = re.compile(r"ing$")
_PAST_TENSE = re.compile(r"(?:ed|^said|^told|^wrote)$")
# Words that may open a matched speaker phrase without being part of it: "And Skelly", "As Politico
# reported", "while President Obama has cautioned", "when he yelled".
_LEADING_CONJUNCTION = re.compile(
    r"(?:(?:[Aa]nd|[Bb]ut|[Ss]o|[Yy]et|[Tt]hen|[Aa]s|[Ww]hile|[Ww]hen|[Ww]henever|[Tt]hough|[Aa]lthough|[Ii]f|"
    r"[Bb]ecause|[Ss]ince|[Oo]nce|[Uu]ntil|[Uu]nless|[Ww]here|[Ww]hereas|[Ii]n\s+which|[Ee]ven)\s+)+(?=\S)"
)
_LAST_PRONOUN = re.compile(rf"(?<![\w’']){_PRONOUN}[\s,]*$")
# First words of a phrase that is not a speaker: function words that start a sentence or a clause.
_NOT_SPEAKER_WORDS = frozenset(
    "but and so that then if what there here it’s it's in on at of for with by from during when while "
    "whenever after before as because although though since once until unless where whereas "
    "or yet ever likewise similarly together outside inside beyond "
    "last also now instead however indeed meanwhile later earlier".split()
) | frozenset(SPEECH_DAYS)
_CLOSING_MARK = re.compile(r"[,.!?]?(?:''|[\"”»])")
# An introductory phrase before the subject: "On Thursday,", "after remaining neutral for months,",
# "Speaking to reporters,", "Later,", "In a statement to the Observer,".
_INTRO_PHRASE = re.compile(
    r"[\s,;:—–\-]*(?:(?:[Oo]n|[Ii]n|[Aa]t|[Aa]fter|[Bb]efore|[Dd]uring|[Ww]hen|[Ww]hile|[Aa]s|[Ss]ince|[Ll]ater|"
    r"[Ee]arlier|[Ll]ast|[Tt]hen|[Bb]ack|[Ff]or|[Ww]ith|[Ii]f|[Oo]nce|[Uu]ntil|[Mm]eanwhile|[Ss]till|[Nn]ow|"
    r"[Aa]lso|[Ee]ven|[Ii]nstead|[Aa]lthough|[Tt]hough|[Ff]rom|[Aa]sked|[Ii]ndeed|[Hh]owever|[A-Z]?[a-z]+ing|"
    r"[A-Z]?[a-z]+ly|[Ee]ver|[Tt]ogether|[Oo]utside|[Ii]nside|[Bb]eyond|[Ll]ikewise|[Mm]oreover|[Ff]urthermore|"
    r"[Oo]r)\b[^,;“”\"\n]{0,90},\s+|[Aa]nd\s+|[Bb]ut\s+|[Ss]o\s+|[Oo]r\s+|[Yy]et\s+|"
    r"[\w\s]{0,30}\b(?:ago|later|earlier|afterwards?)\s*,\s+)"
)
_CLAUSE_SUBJECT = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PRONOUN}\b|{_DETERMINER}(?:\s+[\w’'\-]+){{1,9}}?(?=\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|s)\b)"
    rf"|{_DESCRIPTION}|{_PROPER_NAME})"
)
_SUBJECT_PRONOUN = re.compile(rf"\b(?:{_either_case(THIRD_PERSON_PRONOUNS)})\b")

# A full stop before a closing parenthesis ends the sentence only when a new sentence follows:
# "Rep. Jo Ames (D-N.Y.) said" and "(R-S.C.):" go on.
# The full stop of a title or an initial ("Ms. Ames", "George W. Bush") does not end a sentence.
_ABBREVIATIONS = [*TITLE_ABBREVIATIONS, "Sens", "Reps", "Gens"]
# Checked once a full stop has matched, so that the look-behinds run only at full stops.
_NOT_AN_ABBREVIATION = r"(?<!\s[A-Z]\.)" + "".join(rf"(?<!\b{word}\.)" for word in _ABBREVIATIONS)
_SENTENCE_BREAK = re.compile(rf"(?:\.{_NOT_AN_ABBREVIATION}|[!?])(?=[\s\"“”’]|\)\s+[\"“”A-Z]|$)|\n")
_WORD = re.compile(r"[\w’'\-]+")
_MARK = re.compile(r"''|[\"“”«»]")
_LEFT_CONTEXT = "([{\u2014\u2013-/:; \t\n"  # a straight mark after these opens a quote


@dataclass(slots=True)
class _RawQuote:
    """A quote found by pairing marks: offsets of its opening and closing marks (inclusive)."""

    start: int  # index of the opening mark
    end: int  # index just past the closing mark
    paragraph_start: int
    paragraph_end: int


def _mark_direction(text: str, index: int, mark: str) -> str:
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
        if (before.isspace() or before == "\n") and not after.isspace() and after.isalnum():
            return "open"
        return "close"
    opens = before.isspace() or before in _LEFT_CONTEXT or index == 0
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


def _pair_marks(text: str) -> list[_RawQuote]:
    """Pair opening and closing marks into quotes, paragraph by paragraph."""
    quotes: list[_RawQuote] = []
    pending_start: int | None = None  # opening mark of a quote not yet closed
    pending_paragraph = 0
    carried = False  # the pending quote started in an earlier paragraph
    for paragraph_start, paragraph_end in _paragraphs(text):
        marks = [
            (match.start(), match.group(), _mark_direction(text, match.start(), match.group()))
            for match in _MARK.finditer(text, paragraph_start, paragraph_end)
        ]
        if pending_start is not None:
            # A multi-paragraph quote goes on only if this paragraph reopens it first thing.
            first = text[paragraph_start:paragraph_end].lstrip()[:2]
            if not marks or marks[0][2] != "open" or not _MARK.match(first):
                pending_start = None
            else:
                marks = marks[1:]
                carried = True
        for index, mark, direction in marks:
            if direction == "open":
                if pending_start is None or carried:
                    if pending_start is None:
                        pending_start, pending_paragraph, carried = index, paragraph_start, False
                else:
                    # Two openings in a row: the first was never closed, start again here.
                    pending_start, pending_paragraph = index, paragraph_start
            elif direction == "close" and pending_start is not None:
                quotes.append(_RawQuote(pending_start, index + len(mark), pending_paragraph, paragraph_end))
                pending_start, carried = None, False
        # Still open at the end of the paragraph: kept only if the next paragraph reopens it.
    return quotes


# How far a quote's sentence is looked for on either side; bounds the work per quote so that a
# text without sentence breaks (or thousands of marks) stays linear.
_SENTENCE_WINDOW = 400


def _sentence_bounds(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """The sentence around ``start..end`` within ``lower..upper`` (a paragraph), at most a window wide."""
    lower = max(lower, start - _SENTENCE_WINDOW)
    upper = min(upper, end + _SENTENCE_WINDOW)
    left = lower
    for match in _SENTENCE_BREAK.finditer(text, lower, start):
        left = match.end()
    right_match = _SENTENCE_BREAK.search(text, end, upper)
    right = right_match.end() if right_match else upper
    return left, right


@dataclass(slots=True)
class _Attribution:
    speaker_start: int
    speaker_end: int
    cue: str
    clause_end: int = -1  # where the matched attribution clause ends


def _trim_speaker(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop trailing punctuation and a leading conjunction or subordinator from a matched speaker phrase,
    and narrow a phrase that ends in a subject pronoun ("what he") to the pronoun."""
    leading = _LEADING_CONJUNCTION.match(text, start, end)
    if leading and leading.end() < end:
        start = leading.end()
    # "what he called ...", "and although he thanked ...": the pronoun right before the cue is the subject.
    last_pronoun = _LAST_PRONOUN.search(text, start, end)
    if last_pronoun and last_pronoun.start() > start:
        start = last_pronoun.start()
    while end > start and text[end - 1] in " ,.;:’'\"”":
        # keep the full stop of an initial or title ("Sen.", "J.")
        if text[end - 1] == "." and re.search(rf"(?:\b{_TITLE}|\b[A-Z])\.$", text[start:end]):
            break
        end -= 1
    return start, end


def _valid_speaker(phrase: str) -> bool:
    words = phrase.split()
    if not words:
        return False
    first = words[0].lower()
    if len(words) == 1 and re.fullmatch(_DETERMINER, words[0]) and first != "another":
        return False  # "The" alone is the start of a phrase, not a speaker; "another" stands for one
    if len(words) == 1 and first in ("this", "these", "those", "each", "any"):
        return False  # "This" alone opens a sentence; "this source" may speak
    return first not in CUE_WORDS and first not in _NOT_SPEAKER_WORDS


def _attribution_after(text: str, position: int, limit: int) -> _Attribution | None:
    """Attribution right after a closing mark: ', she said' or ', said the senator'."""
    # ''... said, 'You weren't in line,''' Ms. Compton recalled: the inner quote's closing mark
    # sits right after the outer one; skip it.
    if text[position : position + 1] in ("'", "’") and text[position - 1 : position] in ("'", "’", "”", '"'):
        position += 1
    window = text[position : min(limit, position + 160)]
    for pattern in (_AFTER_CUE_SPEAKER, _AFTER_SPEAKER_CUE, _AFTER_NAME_LONG_APPOSITIVE_CUE):
        if pattern is _AFTER_NAME_LONG_APPOSITIVE_CUE:
            window = text[position : min(limit, position + 300)]
        match = pattern.match(window)
        if match and match.group("speaker") and _valid_speaker(match.group("speaker")):
            start, end = _trim_speaker(text, position + match.start("speaker"), position + match.end("speaker"))
            if pattern is _AFTER_CUE_SPEAKER and is_pronoun(text[start:end]) and text[start:end] in ("it", "It"):
                continue
            return _Attribution(start, end, match.group("cue").lower(), position + match.end())
    if _SPEECH_END.search(text, max(0, position - 4), position):
        # A quote that ends in a comma, "?" or "!" inside its marks is followed by its attribution,
        # whatever the verb: "“Go back to Univision,” Trump barked", "“This is fantastic!” beamed Hartley".
        for pattern in (_AFTER_VERB_SPEAKER, _AFTER_SPEAKER_VERB):
            match = pattern.match(window)
            if match and _valid_speaker(match.group("speaker")):
                start, end = _trim_speaker(text, position + match.start("speaker"), position + match.end("speaker"))
                return _Attribution(start, end, match.group("cue").lower(), position + match.end())
    return None


# What may stand between the end of an attribution clause and the next piece of the same quote:
# a few words of circumstance ("in an interview on Tuesday") or an appositive about the speaker.
_CLAUSE_TAIL = re.compile(r"[^“”\"]{0,130}[.,:;—–\-]?\s*|,\s+(?:who|a|an|the|his|her)\b[^“”\"]{0,120}[.,]\s*")
_NOT_A_TAIL = re.compile(rf"\b(?:that|and|but|as|while|when|because|before|after)\b|(?<![\w’']){_CUE}")
MERGE_ACROSS_SENTENCES = True


def _interruption(text: str, piece: _RawQuote, following: _RawQuote) -> _Attribution | None:
    """The attribution clause between two pieces of one quote ("We will," she said, "go on."), if any."""
    between = text[piece.end : following.start]
    if "\n" in between or len(between) > 200:
        return None
    clause = _attribution_after(text, piece.end, following.start)
    if clause is None:
        return None
    tail = text[clause.clause_end : following.start]
    if not _CLAUSE_TAIL.fullmatch(tail) or _NOT_A_TAIL.search(tail):
        return None
    closing_punctuation = text[piece.end - 2 : piece.end - 1] if text[piece.end - 1] != "'" else text[piece.end - 3]
    if closing_punctuation != "," and not MERGE_ACROSS_SENTENCES:
        return None
    return clause


# A possessor named right before a description: "Harmon's campaign manager", "the Senate's leader".
_POSSESSOR_BEFORE = re.compile(r"(?<![\w’'])(?:[A-Z][\w\-]+\s+){0,2}[A-Z][\w\-]+[’']s\s+$")


def _speaker_at(text: str, start: int, end: int, cue: str) -> _Attribution | None:
    start, end = _trim_speaker(text, start, end)
    if end <= start or not _valid_speaker(text[start:end]):
        return None
    if text[start].islower():  # a description: keep whose it is
        possessor = _POSSESSOR_BEFORE.search(text, max(0, start - 60), start)
        if possessor and not _CALENDAR_WORD.match(text, possessor.start()):
            start = possessor.start()
    return _Attribution(start, end, cue.lower())


def _clause_subject(text: str, sentence_start: int, limit: int, cue: str) -> _Attribution | None:
    """The subject of the clause that a participle or an infinitive cue hangs on.

    "“...,” he said, adding: “...”", "On Thursday, after a long wait, Warren endorsed her, saying
    “...”", "Trump went on to say “...”": the words quoted before the cue and the introductory
    phrases of the sentence are skipped, and the first speaker phrase after them is the subject.
    """
    # "..., Spicer said, adding": the speaker of the finite cue the participle follows.
    finite = None
    for cue_match in _find_cues(text, sentence_start, limit):
        if _PAST_TENSE.search(cue_match.group("cue")):  # "comments", "reports" are often nouns
            finite = cue_match
    if finite is not None and not _CLOSING_MARK.search(text, finite.end(), limit):
        found = _attribution_of_cue(text, sentence_start, finite)
        if found:
            return _Attribution(found.speaker_start, found.speaker_end, cue.lower())
    starts = [sentence_start]
    closing_end = -1
    for closing in _CLOSING_MARK.finditer(text, sentence_start, limit):
        closing_end = closing.end()
    if closing_end >= 0:
        starts.insert(0, closing_end)
    for clause_start in starts:
        position = clause_start
        for _ in range(4):
            intro = _INTRO_PHRASE.match(text, position, limit)
            if not intro:
                break
            position = intro.end()
        match = _CLAUSE_SUBJECT.match(text, position, limit)
        if match:
            found = _speaker_at(text, match.start("speaker"), match.end("speaker"), cue)
            if found:
                return found
        # "When he returned he began by saying": the first pronoun of the clause.
        pronoun = _SUBJECT_PRONOUN.search(text, clause_start, limit)
        if pronoun:
            return _Attribution(pronoun.start(), pronoun.end(), cue.lower())
    return None


def _last_named_before(text: str, sentence_start: int, cue_start: int, cue: str) -> _Attribution | None:
    """The last name or pronoun before an infinitive or participle cue whose clause has no plain subject.

    "... was so subdued that Mr. Trump was prompted to say": the clause opens with "much of the
    debate", which names nobody; the person named last before the cue is the one who speaks.
    """
    last = None
    for match in _NAMED_SUBJECT.finditer(text, max(sentence_start, cue_start - 150), cue_start):
        if _valid_speaker(match.group()):
            last = match
    if last is None:
        return None
    return _speaker_at(text, last.start(), last.end(), cue)


def _speaker_after_cue(text: str, cue_end: int) -> re.Match[str] | None:
    """The speaker phrase right after a cue ("said Jo Ames, a strategist"), or None.

    A calendar word there says when, not who ("said Tuesday that ...", "wrote in March"): it is never
    a speaker, whichever rule inverts the cue.
    """
    match = _SPEAKER_AFTER_CUE.match(text, cue_end)
    if match is None or _CALENDAR_WORD.fullmatch(match.group("speaker")):
        return None
    return match


def _subject_before(text: str, lower: int, cue_start: int) -> re.Match[str] | None:
    """The speaker phrase that ends right before a cue, skipping phrases governed by a preposition.

    "In a statement to the Observer, her adviser, Jake Sullivan, said": "a statement to the
    Observer" is the object of "In", so the search goes on to the next phrase.
    """
    position = lower
    while position < cue_start:
        match = _SPEAKER_BEFORE_CUE.search(text, position, cue_start)
        if match is None:
            return None
        if not _PREPOSITION_BEFORE.search(text, max(lower, match.start() - 12), match.start()):
            return match
        following = _WORD.search(text, match.start("speaker") + 1, cue_start)
        if following is None:
            return None
        position = following.start() if following.start() > match.start("speaker") + 1 else following.end()
    return None


def _attribution_of_cue(text: str, sentence_start: int, cue_match: re.Match[str]) -> _Attribution | None:
    """The speaker of a cue found inside a sentence: its subject, or who follows the verb."""
    cue = cue_match.group("cue")
    agent = _BY_AGENT.match(text, cue_match.end()) if cue.endswith("ed") else None
    if agent:  # "Sanders was asked by host Bill Maher, “...”"
        found = _speaker_at(text, agent.start("speaker"), agent.end("speaker"), cue)
        if found:
            return found
    subject = _subject_before(text, max(sentence_start, cue_match.start() - 200), cue_match.start())
    named = subject is not None and bool(_NAMED_SUBJECT.fullmatch(subject.group("speaker").strip()))
    if named and cue not in _ADDRESSEE_CUES and _BARE_COMMA.fullmatch(text, subject.end("speaker"), cue_match.start()):
        # "... can catch Clinton, said Jo Ames, a strategist": a name that ends a clause and is followed by a
        # comma and the cue is not its subject; the name after the cue is the speaker.
        inverted = _speaker_after_cue(text, cue_match.end())
        if inverted and re.fullmatch(_PROPER_NAME, inverted.group("speaker")):
            found = _speaker_at(text, inverted.start("speaker"), inverted.end("speaker"), cue)
            if found:
                return found
    if not named and cue not in _ADDRESSEE_CUES and _COMMA_BEFORE.search(
        text, max(sentence_start, cue_match.start() - 4), cue_match.start()
    ):
        # "“...” if she didn't win by more, said David Wasserman, an analyst": after a comma, and with
        # no named subject before it, the cue is inverted and the speaker follows it.
        inverted = _speaker_after_cue(text, cue_match.end())
        if inverted and (text[inverted.start("speaker")].isupper() or inverted.group("speaker").startswith(
                ("a ", "an ", "the ", "one ", "another "))):
            found = _speaker_at(text, inverted.start("speaker"), inverted.end("speaker"), cue)
            if found:
                return found
    infinitive = text[max(sentence_start, cue_match.start() - 3) : cue_match.start()] == "to "
    participle = bool(_PARTICIPLE.search(cue))
    if participle and subject and _NAMED_SUBJECT.fullmatch(subject.group("speaker").strip()) and "," not in (
        text[subject.end("speaker") : cue_match.start()]
    ):
        # "with Trump reportedly yelling", "Carson privately saying": the participle's own subject.
        found = _speaker_at(text, subject.start("speaker"), subject.end("speaker"), cue)
        if found:
            return found
    if participle or infinitive or (subject and subject.group("speaker").split()[-1] in ("and", "but")):
        return _clause_subject(text, sentence_start, cue_match.start(), cue) or _last_named_before(
            text, sentence_start, cue_match.start(), cue)
    if subject:
        appositive = None if named else _NAME_APPOSITIVE.search(text, subject.end("speaker"), cue_match.start())
        if appositive:
            subject_start, subject_end = appositive.start("name"), appositive.end("name")
        else:
            subject_start, subject_end = subject.start("speaker"), subject.end("speaker")
        found = _speaker_at(text, subject_start, subject_end, cue)
        if found:
            return found
    after = _speaker_after_cue(text, cue_match.end())
    if after and text[after.start("speaker")].isupper():
        return _speaker_at(text, after.start("speaker"), after.end("speaker"), cue)
    return None


_SENTENCE_END_INSIDE = re.compile(r"[.!?][\"”’']*\s+[\"“‘']*[A-Z]")
MERGE_PARTIALS = True


def _same_sentence(text: str, piece: _RawQuote, following: _RawQuote) -> bool:
    """True when two quoted fragments sit in one sentence of paraphrase (calls it "x" and "y")."""
    if text[piece.end - 2 : piece.end - 1] in (".", "!", "?"):
        return False
    before = text[max(0, piece.start - 3) : piece.start].rstrip()
    if not before or not (before[-1].isalpha() or before[-1] == ","):
        return False  # the first piece opens its sentence: it is a direct quote, not paraphrase
    words_before = len(_WORD.findall(text, piece.start, piece.end))
    if words_before < 3 or len(_WORD.findall(text, following.start, following.end)) < 3:
        return False  # scare-quoted terms are not fragments of speech
    between = text[piece.end : following.start]
    return len(between) <= 120 and "\n" not in between and not _SENTENCE_END_INSIDE.search(
        text, piece.end - 2, following.start + 2
    )


def _attribution_before(text: str, sentence_start: int, position: int) -> _Attribution | None:
    """Attribution right before an opening mark: 'X said:', 'according to X,', 'X:'."""
    prefix = text[sentence_start:position]
    according = _ACCORDING_BEFORE.search(prefix)
    if according:
        return _speaker_at(text, sentence_start + according.start("speaker"),
                           sentence_start + according.end("speaker"), "according to")
    inverted = _INVERTED_CUE_BEFORE.match(prefix)
    if inverted:
        # "Said Jo Ames, who grew up there, “...”": an appositive may follow the speaker, except after
        # "Asked", which more often opens a participle phrase ("Asked about it, Ames said").
        group = "speaker" if inverted.group("cue") else "asked_speaker"
        found = _speaker_at(text, sentence_start + inverted.start(group), sentence_start + inverted.end(group),
                            (inverted.group("cue") or inverted.group("asked")).lower())
        if found:
            return found
    colon = _NAME_COLON.match(prefix)
    if colon:
        found = _speaker_at(text, sentence_start + colon.start("speaker"), sentence_start + colon.end("speaker"), ":")
        if found:
            return found
    dashed = _DASH_NAME_COLON.search(text, max(sentence_start, position - 120), position)
    if dashed:  # "IOWA POLLS WERE NOT WRONG - Mark Blumenthal: “...”": a headline, a dash and its author
        found = _speaker_at(text, dashed.start("speaker"), dashed.end("speaker"), ":")
        if found:
            return found
    # The last cue of the sentence that the quote follows closely ("X told reporters Tuesday: ").
    last_cue = None
    for cue_match in _find_cues(text, max(sentence_start, position - 90), position):
        last_cue = cue_match
    if last_cue is not None and not re.search(r"[.!?;]", text[last_cue.end() : position]):
        found = _attribution_of_cue(text, sentence_start, last_cue)
        if found:
            return found
    verb = _SPEAKER_VERB_BEFORE.search(text, max(sentence_start, position - 120), position)
    if verb:  # "Hillary Clinton cracked, ''...''": any verb in the past tense just before the quote
        found = _speaker_at(text, verb.start("speaker"), verb.end("speaker"), verb.group("cue"))
        if found:
            return found
    if not _ENDS_WITH_COLON.search(text, max(sentence_start, position - 4), position):
        return None
    # A sentence that ends in a colon introduces the words that follow, whatever its verb:
    # "Hannity interjected:", "Pollsters agree - Carl Bialik:", "Trump issued this statement:".
    named = _NAME_BEFORE_COLON.search(text, max(sentence_start, position - 120), position)
    if named:
        found = _speaker_at(text, named.start("speaker"), named.end("speaker"), ":")
        if found:
            return found
    return _clause_subject(text, sentence_start, position, ":")


def _attribution_in_sentence(text: str, sentence_start: int, sentence_end: int,
                             quote_start: int, quote_end: int) -> _Attribution | None:
    """A cue verb anywhere in the quote's sentence (He called it "a disgrace")."""
    for region_start, region_end in ((sentence_start, quote_start), (quote_end, sentence_end)):
        for cue_match in _find_cues(text, region_start, region_end):
            found = _attribution_of_cue(text, sentence_start, cue_match)
            if found:
                return found
    return None


def _attribution_just_before(text: str, sentence_start: int) -> _Attribution | None:
    """The attribution of the sentence just before a quote that has none of its own.

    "Sam Lau said in a statement.\n\n"There are no paper ballots ..."": the speaker is named by
    the last cue of the preceding sentence, when that sentence ends with its attribution.
    """
    window_start = max(0, sentence_start - 250)
    last_cue = None
    for cue_match in _find_cues(text, window_start, sentence_start):
        last_cue = cue_match
    if last_cue is None or re.search(r"[“”\"]", text[last_cue.end() : sentence_start]):
        return None
    if len(text[last_cue.end() : sentence_start].strip()) > 60:
        return None
    previous_start = window_start
    for match in _SENTENCE_BREAK.finditer(text, window_start, last_cue.start()):
        previous_start = match.end()
    return _attribution_of_cue(text, previous_start, last_cue)


# How many paragraphs of quotation a colon line may introduce ("Ames said:" over three quoted paragraphs).
_COLON_LINE_REACH = 6


def _attribution_of_colon_line(text: str, paragraph_start: int) -> _Attribution | None:
    """The attribution of the line ending in a colon that introduces the paragraph at ``paragraph_start``.

    Paragraphs of quotation in between ("Ames said:\n\n“...\n\n“...\n\n“...”") are skipped: a
    paragraph that opens with a quote mark and ends with one, or never closes its quote (an odd number
    of marks).
    """
    lower = max(0, paragraph_start - _COLON_LINE_REACH * _SENTENCE_WINDOW)
    for _ in range(_COLON_LINE_REACH):
        colon_end = paragraph_start
        while colon_end > lower and text[colon_end - 1].isspace():
            colon_end -= 1
        if colon_end <= lower:
            return None
        line_start = max(lower, text.rfind("\n", lower, colon_end) + 1)
        if text[colon_end - 1] == ":":
            sentence_start, _ = _sentence_bounds(text, colon_end, colon_end, line_start, colon_end)
            return _attribution_before(text, sentence_start, colon_end)
        line = text[line_start:colon_end].lstrip()
        if not _MARK.match(line) or not (_MARK.search(line, len(line) - 2) or len(_MARK.findall(line)) % 2):
            return None
        paragraph_start = line_start
    return None


def _attribution_by_dash(text: str, position: int) -> _Attribution | None:
    """A speaker named on a dash line after the quote, as under a pull quote or an epigraph.

    "“We will not back down.”\n\n- Bernie Sanders, at a rally in Iowa."
    """
    match = _DASH_SPEAKER.match(text, position, min(len(text), position + 200))
    if match is None:
        return None
    return _speaker_at(text, match.start("speaker"), match.end("speaker"), "")


def _is_speech(inner: str, attributed: bool) -> bool:
    """False for scare quotes and quoted titles, which are not speech."""
    words = _WORD.findall(inner)
    if not words:
        return False
    if len(words) <= 2:
        # "No," he said.  -- speech punctuation inside the marks and a cue next to it.
        return attributed and inner.rstrip()[-1:] in ",.!?"
    if not attributed and len(words) <= 8 and all(word[0].isupper() or len(word) <= 3 for word in words):
        return False  # a title in Title Case: "The Art of the Deal"
    return True


def extract_quotes(text: str, names: NameIndex | None = None) -> list[QuoteSpan]:
    """Every direct quote in ``text`` with its speaker, cue and speaker offsets."""
    if names is None:
        names = NameIndex(text)
    raw_quotes = _pair_marks(text)
    results: list[QuoteSpan] = []
    previous: tuple[int, int, str, str] | None = None  # (speaker span, resolved name, cue) of the last quote
    previous_end = -1
    index = 0
    while index < len(raw_quotes):
        first = raw_quotes[index]
        last = first
        attribution: _Attribution | None = None
        # Join the pieces of an interrupted quote: "A," she said, "B."  /  "A," she said. "B."
        while index + 1 < len(raw_quotes):
            clause = _interruption(text, last, raw_quotes[index + 1])
            if clause is None:
                if not (MERGE_PARTIALS and _same_sentence(text, last, raw_quotes[index + 1])):
                    break
            elif attribution is None:
                attribution = clause
                # “... seen.” He added, “...”: the first piece closed its sentence, so an attribution
                # before it names its speaker better than the clause that opens the next sentence.
                if _CLOSES_SENTENCE.search(text, max(first.start, last.end - 4), last.end):
                    sentence_start, _ = _sentence_bounds(text, first.start, first.start, first.paragraph_start,
                                                         first.start)
                    attribution = _attribution_before(text, sentence_start, first.start) or clause
            last = raw_quotes[index + 1]
            index += 1
        start, end = first.start, last.end
        paragraph_start, paragraph_end = first.paragraph_start, last.paragraph_end
        sentence_start, _ = _sentence_bounds(text, start, start, paragraph_start, start)
        _, sentence_end = _sentence_bounds(text, end, end, end, paragraph_end)
        if attribution is None:
            # A quote that closes its sentence with a full stop ("Brafman said, “... found.” He added,")
            # belongs to the attribution before it; the clause after it starts the next sentence.
            if _CLOSES_SENTENCE.search(text, max(start, end - 4), end):
                attribution = _attribution_before(text, sentence_start, start) or _attribution_after(
                    text, end, paragraph_end)
            else:
                attribution = _attribution_after(text, end, paragraph_end) or _attribution_before(
                    text, sentence_start, start)
        if attribution is None and not text[paragraph_start:start].strip():
            # A quote that opens its paragraph, under a line that ends in a colon ("Jo Ames echoed:",
            # "The ministry issued this statement:"), is the words that line introduces.
            attribution = _attribution_of_colon_line(text, paragraph_start)
        if attribution is None:
            attribution = _attribution_in_sentence(text, sentence_start, sentence_end, start, end)
        if attribution is None:
            # A dash line right under the quote names its speaker ("- Bernie Sanders, in Iowa.") more
            # surely than the attribution of the sentence before it.
            attribution = _attribution_by_dash(text, end)
        from_sentence_before = False
        if attribution is None:
            attribution = _attribution_just_before(text, sentence_start)
            from_sentence_before = attribution is not None
        inner = text[start + 1 : end - 1]
        if not _is_speech(inner, attribution is not None or _stands_alone(text, start, end, paragraph_start,
                                                                             paragraph_end)):
            index += 1
            continue
        if (attribution is None or from_sentence_before) and re.search(r"\w", text[sentence_start:start]):
            # A quote inside a sentence without a cue verb ("He talks about “...”", "the FBI lists “...”")
            # belongs to the subject of that sentence rather than to the speaker named before it.
            attribution = _clause_subject(text, sentence_start, start, "") or attribution
        if attribution is not None:
            speaker_text = text[attribution.speaker_start : attribution.speaker_end]
            resolved = names.resolve(speaker_text, attribution.speaker_start)
            previous = (attribution.speaker_start, attribution.speaker_end, resolved, attribution.cue)
            results.append(QuoteSpan(start=start, end=end, text=text[start:end], speaker=resolved,
                                     speaker_start=attribution.speaker_start, speaker_end=attribution.speaker_end,
                                     cue=attribution.cue))
        elif previous is not None and previous_end >= 0 and start - previous_end < 1500:
            # A quote standing alone continues the last speaker's words.
            speaker_start, speaker_end, resolved, cue = previous
            results.append(QuoteSpan(start=start, end=end, text=text[start:end], speaker=resolved,
                                     speaker_start=speaker_start, speaker_end=speaker_end, cue=cue, score=0.7))
        else:
            results.append(QuoteSpan(start=start, end=end, text=text[start:end], speaker="",
                                     speaker_start=None, speaker_end=None, cue="", score=0.5))
        previous_end = end
        index += 1
    _speak_runs_named_after(text, results)
    _speak_by_nearest_person(text, results, names)
    return results


# How far from a quote with no attribution at all a person mention may be to be taken as its speaker.
_NEAREST_PERSON_REACH = 300


def _speak_by_nearest_person(text: str, results: list[QuoteSpan], names: NameIndex) -> None:
    """Last resort for a quote with no speaker: the person named right after it in its paragraph
    ("“...” That line from Commissioner Jo Ames ..."), else the person named last before it."""
    for index, quote in enumerate(results):
        if quote.speaker_start is not None:
            continue
        paragraph_end = text.find("\n", quote.end)
        if paragraph_end < 0:
            paragraph_end = len(text)
        span = names.mention_span_after(quote.end, min(paragraph_end, quote.end + _NEAREST_PERSON_REACH))
        if span is None:
            span = names.mention_span_before(quote.start, max(0, quote.start - _NEAREST_PERSON_REACH))
        if span is None:
            continue
        speaker_start, speaker_end = _trim_speaker(text, *span)
        if speaker_end <= speaker_start:
            continue
        results[index] = replace(
            quote, speaker=names.resolve(text[speaker_start:speaker_end], speaker_start),
            speaker_start=speaker_start, speaker_end=speaker_end, score=0.4,
        )


def _paragraph_follows(text: str, end: int, next_start: int) -> bool:
    """True when the quote at ``next_start`` opens the paragraph right after the one ending at ``end``."""
    between = text[end:next_start]
    return "\n" in between and not between.strip()


def _speak_runs_named_after(text: str, results: list[QuoteSpan]) -> None:
    """Give a quote with no speaker the speaker named after the run of quote paragraphs it opens.

    "“We will win.”\n\n“We will not back down,” said Jo Ames.": the first paragraph has no
    attribution and no speaker before it; whoever is named after the last quote of the run speaks
    the whole run. Runs are walked from the end, so the pass is linear in the number of quotes.
    """
    following: QuoteSpan | None = None  # the attributed quote that closes the run after the current quote
    for index in range(len(results) - 1, -1, -1):
        quote = results[index]
        if index + 1 < len(results) and not _paragraph_follows(text, quote.end, results[index + 1].start):
            following = None
        after_narrative = index == 0 or not _paragraph_follows(text, results[index - 1].end, quote.start)
        if quote.speaker_start is None or (quote.score < 1.0 and after_narrative):
            if following is not None:
                results[index] = replace(
                    quote, speaker=following.speaker, speaker_start=following.speaker_start,
                    speaker_end=following.speaker_end, cue=following.cue, score=0.6,
                )
        elif quote.score == 1.0 and quote.speaker_start > quote.start:
            following = quote
        else:
            following = None


def _stands_alone(text: str, start: int, end: int, paragraph_start: int, paragraph_end: int) -> bool:
    """True when the quote fills its paragraph (apart from white space and punctuation)."""
    outside = text[paragraph_start:start] + text[end:paragraph_end]
    return not re.search(r"\w", outside)
