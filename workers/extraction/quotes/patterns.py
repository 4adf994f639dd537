"""The words and the compiled regular expressions that the quote rules match."""

from __future__ import annotations

import re

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

# Titles written before a name; their full stop never ends a sentence (see SENTENCE_BREAK).
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
AFTER_SPEAKER_CUE = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_SPEAKER_ENDING}|{_LONG_NAME}){_APPOSITIVE}\s+{_ADVERB}(?P<cue>{_CUE})"
)
# A name and a long appositive before the cue: "“...,” Trump, the front-runner in every poll since the
# summer and the winner of the primary last week, said". Anchored at the closing mark; the appositive
# holds no sentence end and no quote mark.
AFTER_NAME_LONG_APPOSITIVE_CUE = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PREMODIFIED_NAME}),\s[^.!?\n“”\"]{{1,240}}?,\s+{_ADVERB}(?P<cue>{_CUE})"
)
AFTER_CUE_SPEAKER = re.compile(rf"[\s,;:—–\-]*(?P<cue>{_CUE})\s+(?P<speaker>{_SPEAKER})")
# Any verb in the past tense after a quote that ends like speech: "“...,” Trump barked", "beamed Hartley".
# After a comma inside the marks, "state", "report" ... are verbs too ("the Saudis state in the paper").
_PAST_VERB = (
    rf"(?:[a-z]{{3,}}ed|shot\s+back|fired\s+back|wrote|spoke|sang|went\s+on|{'|'.join(sorted(_NOUN_LIKE_BASES))})\b"
)
SPEECH_END = re.compile(r"[,?!][\s’'\"”»]*$")
AFTER_SPEAKER_VERB = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PRONOUN}|it|It|{_LONG_NAME}|{_DETERMINER}(?:\s+[\w’'\-]+){{1,6}}?)"
    rf"{_APPOSITIVE}\s+(?:[a-z]+ly\s+|then\s+)?(?P<cue>{_PAST_VERB})"
)
AFTER_VERB_SPEAKER = re.compile(
    rf"[\s,;:—–\-]*(?P<cue>{_PAST_VERB})\s+(?P<speaker>{_PROPER_NAME}|{_DESCRIPTION})"
)
# A sentence that opens with its cue: "Said Comey, "..."", "Added the senator: "..."". "Asked" takes no
# appositive, so it has a branch of its own.
_OPENING_CUE = "|".join(cue.capitalize() for cue in SENTENCE_OPENING_CUES if cue != "asked")
INVERTED_CUE_BEFORE = re.compile(
    rf"^\W*(?:(?P<cue>{_OPENING_CUE})\s+(?P<speaker>{_SPEAKER})"
    rf"(?:\s+(?:of|from|at)\s+[^,“”\"\n]{{1,60}}?)?(?:,\s[^“”\"\n]{{1,150}}?)?"
    rf"|(?P<asked>Asked)\s+(?P<asked_speaker>{_SPEAKER}))\s*[,:]\s*$"
)
# "according to Jo Ames of the Policy Center,": the speaker is the person, named before "of".
ACCORDING_BEFORE = re.compile(
    rf"\b[Aa]ccording\s+to\s+(?P<speaker>{_SPEAKER})(?:\s+of\s+(?:the\s+)?{_PROPER_NAME})?\s*,\s*$"
)
# "Bush: "The mission ..."" -- a name and a colon introduce the words of a transcript or a post.
NAME_COLON = re.compile(rf"^\W*(?P<speaker>{_PREMODIFIED_NAME}{_APPOSITIVE})\s*:\s*$")
SPEAKER_VERB_BEFORE = re.compile(
    rf"(?<![\w’'])(?P<speaker>{_PRONOUN}|{_PROPER_NAME}|{_DETERMINER}(?:\s+[\w’'\-]+){{1,4}})"
    rf"(?:\s*\([^()\n]{{1,30}}\))?(?:,\s+[a-z][\w\s\-]{{0,30}},)?\s+(?:[a-z]+ly\s+)?"
    rf"(?P<cue>[a-z]{{3,}}ed|shot\s+back|fired\s+back)\s*[,:]\s*$"
)
# After a quote: only punctuation to the end of its line, then a line that opens with a dash and a name.
DASH_SPEAKER = re.compile(
    rf"[^\S\n]*[.,]?[^\S\n]*(?:\n[^\S\n]*)+[-—–]+[^\S\n]*(?P<speaker>{_LONG_NAME})[^\S\n]*(?:[,.(]|$)",
    re.MULTILINE,
)
CLOSES_SENTENCE = re.compile(r"\.[’'\"”»]+$")
ENDS_WITH_COLON = re.compile(r":\s*$")
# A name right before the colon, after the start of the line or a dash: "... - Carl Bialik:",
# "Rep. Trey Gowdy (R-S.C.):".
NAME_BEFORE_COLON = re.compile(
    rf"(?:^|(?<=\n)|(?<=[-—–]\s)|(?<=[.!?]\s))\W*(?P<speaker>{_PREMODIFIED_NAME}(?:\s+and\s+{_PROPER_NAME})?)"
    rf"(?:\s*\([^()\n]{{1,30}}\))?\s*:\s*$"
)
DASH_NAME_COLON = re.compile(
    rf"(?<=\s)[-—–]\s+(?P<speaker>{_PROPER_NAME}(?:\s+and\s+{_PROPER_NAME})?)\s*:\s*$"
)
# Candidate cue words are found with a plain word pattern and a set look-up: a regex alternation
# of every inflected cue, tried at each position, is many times slower on long sentences.
CUE_CANDIDATE = re.compile(
    r"(?<![\w’'])(?P<cue>(?:according\s+to|point(?:ed|s|ing)?\s+out|went\s+on|goes\s+on|puts?\s+it)\b|[a-z]+\b)"
)


DETERMINER_BEFORE = re.compile(r"(?<![\w’'])(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir)\s+$")
SPEAKER_BEFORE_CUE = re.compile(
    rf"(?<![\w’'])(?P<speaker>{_SPEAKER_ENDING}){_APPOSITIVE}\s*,?\s+{_ADVERB}$"
)
SPEAKER_AFTER_CUE = re.compile(rf"\s+(?P<speaker>{_SPEAKER})")
COMMA_BEFORE = re.compile(r",\s*$")
BARE_COMMA = re.compile(r"\s*,\s*")
# Capitalised words after a cue that say when, not who: "said Tuesday", "wrote in March".
CALENDAR_WORD = re.compile(
    rf"(?:{_WEEKDAY}|{'|'.join(MONTHS)}|{'|'.join(SPEAKER_RULE_MONTH_ABBREVIATIONS)})\b"
)
# Cues whose object is the person spoken to ("told POLITICO", "asked the crowd"), never inverted.
ADDRESSEE_CUES = frozenset(
    form for lemma in ("tell", "ask", "urge", "thank", "praise", "accuse", "call", "warn", "chide", "mock", "blast",
                       "slam", "quote", "cite", "answer", "remind") for form in _inflections(lemma)
)
# A phrase right after one of these is governed by it ("In a statement", "to the Observer", "the Observer").
PREPOSITION_BEFORE = re.compile(
    r"(?<![\w’'])(?:[Ii]n|[Oo]n|[Aa]t|[Tt]o|[Ff]or|[Ww]ith|[Bb]y|[Ff]rom|[Oo]f|[Aa]bout|[Dd]uring|[Ii]nto|[Oo]ver|"
    r"[Tt]he|[Aa]n?)\s+$"
)
# "her senior adviser, Jake Sullivan, said": the name in the appositive is the better speaker.
# "at party headquarters, Jo Ames, 70, said": an age may follow the name, and so may a relative clause
# ("Asked whether she would run, Mayor Jo Ames, who has served two terms, said").
NAME_APPOSITIVE = re.compile(
    rf",\s+(?P<name>{_PREMODIFIED_NAME})(?:,\s+\d{{1,3}})?(?:,\s+(?:who|whose)\s[^,“”\"\n]{{1,100}})?\s*,\s*(?:{_ADVERB})?$"
)
# The agent of a passive cue: "was asked by host Bill Maher".
BY_AGENT = re.compile(rf"\s+by\s+(?P<speaker>{_PREMODIFIED_NAME}|{_DESCRIPTION})")
NAMED_SUBJECT = re.compile(rf"{_PRONOUN}|{_PROPER_NAME}")
# Participles attribute to the subject of the sentence: "Clinton ..., telling the crowd, "...""
PARTICIPLE = re.compile(r"ing$")
PAST_TENSE = re.compile(r"(?:ed|^said|^told|^wrote)$")
# Words that may open a matched speaker phrase without being part of it: "And Skelly", "As Politico
# reported", "while President Obama has cautioned", "when he yelled".
LEADING_CONJUNCTION = re.compile(
    r"(?:(?:[Aa]nd|[Bb]ut|[Ss]o|[Yy]et|[Tt]hen|[Aa]s|[Ww]hile|[Ww]hen|[Ww]henever|[Tt]hough|[Aa]lthough|[Ii]f|"
    r"[Bb]ecause|[Ss]ince|[Oo]nce|[Uu]ntil|[Uu]nless|[Ww]here|[Ww]hereas|[Ii]n\s+which|[Ee]ven)\s+)+(?=\S)"
)
LAST_PRONOUN = re.compile(rf"(?<![\w’']){_PRONOUN}[\s,]*$")
# First words of a phrase that is not a speaker: function words that start a sentence or a clause.
NOT_SPEAKER_WORDS = frozenset(
    "but and so that then if what there here it’s it's in on at of for with by from during when while "
    "whenever after before as because although though since once until unless where whereas "
    "or yet ever likewise similarly together outside inside beyond "
    "last also now instead however indeed meanwhile later earlier".split()
) | frozenset(SPEECH_DAYS)
CLOSING_MARK = re.compile(r"[,.!?]?(?:''|[\"”»])")
# An introductory phrase before the subject: "On Thursday,", "after remaining neutral for months,",
# "Speaking to reporters,", "Later,", "In a statement to the Observer,".
INTRO_PHRASE = re.compile(
    r"[\s,;:—–\-]*(?:(?:[Oo]n|[Ii]n|[Aa]t|[Aa]fter|[Bb]efore|[Dd]uring|[Ww]hen|[Ww]hile|[Aa]s|[Ss]ince|[Ll]ater|"
    r"[Ee]arlier|[Ll]ast|[Tt]hen|[Bb]ack|[Ff]or|[Ww]ith|[Ii]f|[Oo]nce|[Uu]ntil|[Mm]eanwhile|[Ss]till|[Nn]ow|"
    r"[Aa]lso|[Ee]ven|[Ii]nstead|[Aa]lthough|[Tt]hough|[Ff]rom|[Aa]sked|[Ii]ndeed|[Hh]owever|[A-Z]?[a-z]+ing|"
    r"[A-Z]?[a-z]+ly|[Ee]ver|[Tt]ogether|[Oo]utside|[Ii]nside|[Bb]eyond|[Ll]ikewise|[Mm]oreover|[Ff]urthermore|"
    r"[Oo]r)\b[^,;“”\"\n]{0,90},\s+|[Aa]nd\s+|[Bb]ut\s+|[Ss]o\s+|[Oo]r\s+|[Yy]et\s+|"
    r"[\w\s]{0,30}\b(?:ago|later|earlier|afterwards?)\s*,\s+)"
)
CLAUSE_SUBJECT = re.compile(
    rf"[\s,;:—–\-]*(?P<speaker>{_PRONOUN}\b|{_DETERMINER}(?:\s+[\w’'\-]+){{1,9}}?(?=\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|s)\b)"
    rf"|{_DESCRIPTION}|{_PROPER_NAME})"
)
SUBJECT_PRONOUN = re.compile(rf"\b(?:{_either_case(THIRD_PERSON_PRONOUNS)})\b")

# A full stop before a closing parenthesis ends the sentence only when a new sentence follows:
# "Rep. Jo Ames (D-N.Y.) said" and "(R-S.C.):" go on.
# The full stop of a title or an initial ("Ms. Ames", "George W. Bush") does not end a sentence.
_ABBREVIATIONS = [*TITLE_ABBREVIATIONS, "Sens", "Reps", "Gens"]
# Checked once a full stop has matched, so that the look-behinds run only at full stops.
_NOT_AN_ABBREVIATION = r"(?<!\s[A-Z]\.)" + "".join(rf"(?<!\b{word}\.)" for word in _ABBREVIATIONS)
SENTENCE_BREAK = re.compile(rf"(?:\.{_NOT_AN_ABBREVIATION}|[!?])(?=[\s\"“”’]|\)\s+[\"“”A-Z]|$)|\n")
WORD = re.compile(r"[\w’'\-]+")
MARK = re.compile(r"''|[\"“”«»]")

# What may stand between the end of an attribution clause and the next piece of the same quote:
# a few words of circumstance ("in an interview on Tuesday") or an appositive about the speaker.
CLAUSE_TAIL = re.compile(r"[^“”\"]{0,130}[.,:;—–\-]?\s*|,\s+(?:who|a|an|the|his|her)\b[^“”\"]{0,120}[.,]\s*")
NOT_A_TAIL = re.compile(rf"\b(?:that|and|but|as|while|when|because|before|after)\b|(?<![\w’']){_CUE}")
# A possessor named right before a description: "Harmon's campaign manager", "the Senate's leader".
POSSESSOR_BEFORE = re.compile(r"(?<![\w’'])(?:[A-Z][\w\-]+\s+){0,2}[A-Z][\w\-]+[’']s\s+$")
SENTENCE_END_INSIDE = re.compile(r"[.!?][\"”’']*\s+[\"“‘']*[A-Z]")
# The full stop of a title or an initial, which a speaker phrase keeps ("Sen.", "J.").
TITLE_OR_INITIAL_STOP = re.compile(rf"(?:\b{_TITLE}|\b[A-Z])\.$")
DETERMINER_WORD = re.compile(_DETERMINER)
PROPER_NAME = re.compile(_PROPER_NAME)
QUOTE_MARK_CHARACTER = re.compile(r"[“”\"]")
SENTENCE_PUNCTUATION = re.compile(r"[.!?;]")
WORD_CHARACTER = re.compile(r"\w")
