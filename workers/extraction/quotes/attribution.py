"""Attribution finders: each looks for a quote's speaker and cue in one place around the quote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from workers.extraction.quotes.patterns import (
    ACCORDING_BEFORE,
    ADDRESSEE_CUES,
    AFTER_CUE_SPEAKER,
    AFTER_NAME_LONG_APPOSITIVE_CUE,
    AFTER_SPEAKER_CUE,
    AFTER_SPEAKER_VERB,
    AFTER_VERB_SPEAKER,
    BARE_COMMA,
    BY_AGENT,
    CALENDAR_WORD,
    CLAUSE_SUBJECT,
    CLOSING_MARK,
    COMMA_BEFORE,
    CUE_CANDIDATE,
    CUE_WORDS,
    DASH_NAME_COLON,
    DASH_SPEAKER,
    DETERMINER_BEFORE,
    DETERMINER_WORD,
    ENDS_WITH_COLON,
    INTRO_PHRASE,
    INVERTED_CUE_BEFORE,
    LAST_PRONOUN,
    LEADING_CONJUNCTION,
    MARK,
    NAME_APPOSITIVE,
    NAME_BEFORE_COLON,
    NAME_COLON,
    NAMED_SUBJECT,
    NOT_SPEAKER_WORDS,
    PARTICIPLE,
    PAST_TENSE,
    POSSESSOR_BEFORE,
    PREPOSITION_BEFORE,
    PROPER_NAME,
    QUOTE_MARK_CHARACTER,
    SENTENCE_BREAK,
    SENTENCE_PUNCTUATION,
    SPEAKER_AFTER_CUE,
    SPEAKER_BEFORE_CUE,
    SPEAKER_VERB_BEFORE,
    SPEECH_END,
    SUBJECT_PRONOUN,
    TITLE_OR_INITIAL_STOP,
    WORD,
)
from workers.extraction.quotes.sentences import SENTENCE_WINDOW, sentence_bounds


@dataclass(slots=True)
class Attribution:
    """What a finder found: where the speaker is named, the cue, and where the attribution clause ends."""

    speaker_start: int
    speaker_end: int
    cue: str
    clause_end: int = -1  # where the matched attribution clause ends


def find_cues(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Cue words and phrases of ``text[start:end]``, in order."""
    for match in CUE_CANDIDATE.finditer(text, start, end):
        word = match.group("cue")
        if word in CUE_WORDS or " " in word or "\n" in word or "\t" in word:
            if DETERMINER_BEFORE.search(text, max(start, match.start() - 8), match.start()):
                continue  # "a written statement", "the reported plan": an adjective, not a verb
            yield match


def trim_speaker(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop trailing punctuation and a leading conjunction or subordinator from a matched speaker phrase,
    and narrow a phrase that ends in a subject pronoun ("what he") to the pronoun."""
    leading = LEADING_CONJUNCTION.match(text, start, end)
    if leading and leading.end() < end:
        start = leading.end()
    # "what he called ...", "and although he thanked ...": the pronoun right before the cue is the subject.
    last_pronoun = LAST_PRONOUN.search(text, start, end)
    if last_pronoun and last_pronoun.start() > start:
        start = last_pronoun.start()
    while end > start and text[end - 1] in " ,.;:’'\"”":
        # keep the full stop of an initial or title ("Sen.", "J.")
        if text[end - 1] == "." and TITLE_OR_INITIAL_STOP.search(text[start:end]):
            break
        end -= 1
    return start, end


def _valid_speaker(phrase: str) -> bool:
    words = phrase.split()
    if not words:
        return False
    first = words[0].lower()
    if len(words) == 1 and DETERMINER_WORD.fullmatch(words[0]) and first != "another":
        return False  # "The" alone is the start of a phrase, not a speaker; "another" stands for one
    if len(words) == 1 and first in ("this", "these", "those", "each", "any"):
        return False  # "This" alone opens a sentence; "this source" may speak
    return first not in CUE_WORDS and first not in NOT_SPEAKER_WORDS


def attribution_after(text: str, position: int, limit: int) -> Attribution | None:
    """Attribution right after a closing mark: ', she said' or ', said the senator'."""
    # ''... said, 'You weren't in line,''' Ms. Compton recalled: the inner quote's closing mark
    # sits right after the outer one; skip it.
    if text[position : position + 1] in ("'", "’") and text[position - 1 : position] in ("'", "’", "”", '"'):
        position += 1
    window = text[position : min(limit, position + 160)]
    for pattern in (AFTER_CUE_SPEAKER, AFTER_SPEAKER_CUE, AFTER_NAME_LONG_APPOSITIVE_CUE):
        if pattern is AFTER_NAME_LONG_APPOSITIVE_CUE:
            window = text[position : min(limit, position + 300)]
        match = pattern.match(window)
        if match and match.group("speaker") and _valid_speaker(match.group("speaker")):
            start, end = trim_speaker(text, position + match.start("speaker"), position + match.end("speaker"))
            if pattern is AFTER_CUE_SPEAKER and text[start:end] in ("it", "It"):
                continue
            return Attribution(start, end, match.group("cue").lower(), position + match.end())
    if SPEECH_END.search(text, max(0, position - 4), position):
        # A quote that ends in a comma, "?" or "!" inside its marks is followed by its attribution,
        # whatever the verb: "“Go back to Univision,” Trump barked", "“This is fantastic!” beamed Hartley".
        for pattern in (AFTER_VERB_SPEAKER, AFTER_SPEAKER_VERB):
            match = pattern.match(window)
            if match and _valid_speaker(match.group("speaker")):
                start, end = trim_speaker(text, position + match.start("speaker"), position + match.end("speaker"))
                return Attribution(start, end, match.group("cue").lower(), position + match.end())
    return None


def _speaker_at(text: str, start: int, end: int, cue: str) -> Attribution | None:
    start, end = trim_speaker(text, start, end)
    if end <= start or not _valid_speaker(text[start:end]):
        return None
    if text[start].islower():  # a description: keep whose it is
        possessor = POSSESSOR_BEFORE.search(text, max(0, start - 60), start)
        if possessor and not CALENDAR_WORD.match(text, possessor.start()):
            start = possessor.start()
    return Attribution(start, end, cue.lower())


def clause_subject(text: str, sentence_start: int, limit: int, cue: str) -> Attribution | None:
    """The subject of the clause that a participle or an infinitive cue hangs on.

    "“...,” he said, adding: “...”", "On Thursday, after a long wait, Warren endorsed her, saying
    “...”", "Trump went on to say “...”": the words quoted before the cue and the introductory
    phrases of the sentence are skipped, and the first speaker phrase after them is the subject.
    """
    # "..., Spicer said, adding": the speaker of the finite cue the participle follows.
    finite = None
    for cue_match in find_cues(text, sentence_start, limit):
        if PAST_TENSE.search(cue_match.group("cue")):  # "comments", "reports" are often nouns
            finite = cue_match
    if finite is not None and not CLOSING_MARK.search(text, finite.end(), limit):
        found = _attribution_of_cue(text, sentence_start, finite)
        if found:
            return Attribution(found.speaker_start, found.speaker_end, cue.lower())
    starts = [sentence_start]
    closing_end = -1
    for closing in CLOSING_MARK.finditer(text, sentence_start, limit):
        closing_end = closing.end()
    if closing_end >= 0:
        starts.insert(0, closing_end)
    for clause_start in starts:
        position = clause_start
        for _ in range(4):
            intro = INTRO_PHRASE.match(text, position, limit)
            if not intro:
                break
            position = intro.end()
        match = CLAUSE_SUBJECT.match(text, position, limit)
        if match:
            found = _speaker_at(text, match.start("speaker"), match.end("speaker"), cue)
            if found:
                return found
        # "When he returned he began by saying": the first pronoun of the clause.
        pronoun = SUBJECT_PRONOUN.search(text, clause_start, limit)
        if pronoun:
            return Attribution(pronoun.start(), pronoun.end(), cue.lower())
    return None


def _last_named_before(text: str, sentence_start: int, cue_start: int, cue: str) -> Attribution | None:
    """The last name or pronoun before an infinitive or participle cue whose clause has no plain subject.

    "... was so subdued that Mr. Trump was prompted to say": the clause opens with "much of the
    debate", which names nobody; the person named last before the cue is the one who speaks.
    """
    last = None
    for match in NAMED_SUBJECT.finditer(text, max(sentence_start, cue_start - 150), cue_start):
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
    match = SPEAKER_AFTER_CUE.match(text, cue_end)
    if match is None or CALENDAR_WORD.fullmatch(match.group("speaker")):
        return None
    return match


def _subject_before(text: str, lower: int, cue_start: int) -> re.Match[str] | None:
    """The speaker phrase that ends right before a cue, skipping phrases governed by a preposition.

    "In a statement to the Observer, her adviser, Jake Sullivan, said": "a statement to the
    Observer" is the object of "In", so the search goes on to the next phrase.
    """
    position = lower
    while position < cue_start:
        match = SPEAKER_BEFORE_CUE.search(text, position, cue_start)
        if match is None:
            return None
        if not PREPOSITION_BEFORE.search(text, max(lower, match.start() - 12), match.start()):
            return match
        following = WORD.search(text, match.start("speaker") + 1, cue_start)
        if following is None:
            return None
        position = following.start() if following.start() > match.start("speaker") + 1 else following.end()
    return None


def _attribution_of_cue(text: str, sentence_start: int, cue_match: re.Match[str]) -> Attribution | None:
    """The speaker of a cue found inside a sentence: its subject, or who follows the verb."""
    cue = cue_match.group("cue")
    agent = BY_AGENT.match(text, cue_match.end()) if cue.endswith("ed") else None
    if agent:  # "Sanders was asked by host Bill Maher, “...”"
        found = _speaker_at(text, agent.start("speaker"), agent.end("speaker"), cue)
        if found:
            return found
    subject = _subject_before(text, max(sentence_start, cue_match.start() - 200), cue_match.start())
    named = subject is not None and bool(NAMED_SUBJECT.fullmatch(subject.group("speaker").strip()))
    if named and cue not in ADDRESSEE_CUES and BARE_COMMA.fullmatch(text, subject.end("speaker"), cue_match.start()):
        # "... can catch Clinton, said Jo Ames, a strategist": a name that ends a clause and is followed by a
        # comma and the cue is not its subject; the name after the cue is the speaker.
        inverted = _speaker_after_cue(text, cue_match.end())
        if inverted and PROPER_NAME.fullmatch(inverted.group("speaker")):
            found = _speaker_at(text, inverted.start("speaker"), inverted.end("speaker"), cue)
            if found:
                return found
    if not named and cue not in ADDRESSEE_CUES and COMMA_BEFORE.search(
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
    participle = bool(PARTICIPLE.search(cue))
    if participle and named and "," not in text[subject.end("speaker") : cue_match.start()]:
        # "with Trump reportedly yelling", "Carson privately saying": the participle's own subject.
        found = _speaker_at(text, subject.start("speaker"), subject.end("speaker"), cue)
        if found:
            return found
    if participle or infinitive or (subject and subject.group("speaker").split()[-1] in ("and", "but")):
        return clause_subject(text, sentence_start, cue_match.start(), cue) or _last_named_before(
            text, sentence_start, cue_match.start(), cue)
    if subject:
        appositive = None if named else NAME_APPOSITIVE.search(text, subject.end("speaker"), cue_match.start())
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


def attribution_before(text: str, sentence_start: int, position: int) -> Attribution | None:
    """Attribution right before an opening mark: 'X said:', 'according to X,', 'X:'."""
    prefix = text[sentence_start:position]
    according = ACCORDING_BEFORE.search(prefix)
    if according:
        return _speaker_at(text, sentence_start + according.start("speaker"),
                           sentence_start + according.end("speaker"), "according to")
    inverted = INVERTED_CUE_BEFORE.match(prefix)
    if inverted:
        # "Said Jo Ames, who grew up there, “...”": an appositive may follow the speaker, except after
        # "Asked", which more often opens a participle phrase ("Asked about it, Ames said").
        group = "speaker" if inverted.group("cue") else "asked_speaker"
        found = _speaker_at(text, sentence_start + inverted.start(group), sentence_start + inverted.end(group),
                            (inverted.group("cue") or inverted.group("asked")).lower())
        if found:
            return found
    colon = NAME_COLON.match(prefix)
    if colon:
        found = _speaker_at(text, sentence_start + colon.start("speaker"), sentence_start + colon.end("speaker"), ":")
        if found:
            return found
    dashed = DASH_NAME_COLON.search(text, max(sentence_start, position - 120), position)
    if dashed:  # "IOWA POLLS WERE NOT WRONG - Mark Blumenthal: “...”": a headline, a dash and its author
        found = _speaker_at(text, dashed.start("speaker"), dashed.end("speaker"), ":")
        if found:
            return found
    # The last cue of the sentence that the quote follows closely ("X told reporters Tuesday: ").
    last_cue = None
    for cue_match in find_cues(text, max(sentence_start, position - 90), position):
        last_cue = cue_match
    if last_cue is not None and not SENTENCE_PUNCTUATION.search(text[last_cue.end() : position]):
        found = _attribution_of_cue(text, sentence_start, last_cue)
        if found:
            return found
    verb = SPEAKER_VERB_BEFORE.search(text, max(sentence_start, position - 120), position)
    if verb:  # "Hillary Clinton cracked, ''...''": any verb in the past tense just before the quote
        found = _speaker_at(text, verb.start("speaker"), verb.end("speaker"), verb.group("cue"))
        if found:
            return found
    if not ENDS_WITH_COLON.search(text, max(sentence_start, position - 4), position):
        return None
    # A sentence that ends in a colon introduces the words that follow, whatever its verb:
    # "Hannity interjected:", "Pollsters agree - Carl Bialik:", "Trump issued this statement:".
    named = NAME_BEFORE_COLON.search(text, max(sentence_start, position - 120), position)
    if named:
        found = _speaker_at(text, named.start("speaker"), named.end("speaker"), ":")
        if found:
            return found
    return clause_subject(text, sentence_start, position, ":")


def attribution_in_sentence(text: str, sentence_start: int, sentence_end: int,
                             quote_start: int, quote_end: int) -> Attribution | None:
    """A cue verb anywhere in the quote's sentence (He called it "a disgrace")."""
    for region_start, region_end in ((sentence_start, quote_start), (quote_end, sentence_end)):
        for cue_match in find_cues(text, region_start, region_end):
            found = _attribution_of_cue(text, sentence_start, cue_match)
            if found:
                return found
    return None


def attribution_just_before(text: str, sentence_start: int) -> Attribution | None:
    """The attribution of the sentence just before a quote that has none of its own.

    "Sam Lau said in a statement.\n\n"There are no paper ballots ..."": the speaker is named by
    the last cue of the preceding sentence, when that sentence ends with its attribution.
    """
    window_start = max(0, sentence_start - 250)
    last_cue = None
    for cue_match in find_cues(text, window_start, sentence_start):
        last_cue = cue_match
    if last_cue is None or QUOTE_MARK_CHARACTER.search(text[last_cue.end() : sentence_start]):
        return None
    if len(text[last_cue.end() : sentence_start].strip()) > 60:
        return None
    previous_start = window_start
    for match in SENTENCE_BREAK.finditer(text, window_start, last_cue.start()):
        previous_start = match.end()
    return _attribution_of_cue(text, previous_start, last_cue)


# How many paragraphs of quotation a colon line may introduce ("Ames said:" over three quoted paragraphs).
_COLON_LINE_REACH = 6


def attribution_of_colon_line(text: str, paragraph_start: int) -> Attribution | None:
    """The attribution of the line ending in a colon that introduces the paragraph at ``paragraph_start``.

    Paragraphs of quotation in between ("Ames said:\n\n“...\n\n“...\n\n“...”") are skipped: a
    paragraph that opens with a quote mark and ends with one, or never closes its quote (an odd number
    of marks).
    """
    lower = max(0, paragraph_start - _COLON_LINE_REACH * SENTENCE_WINDOW)
    for _ in range(_COLON_LINE_REACH):
        colon_end = paragraph_start
        while colon_end > lower and text[colon_end - 1].isspace():
            colon_end -= 1
        if colon_end <= lower:
            return None
        line_start = max(lower, text.rfind("\n", lower, colon_end) + 1)
        if text[colon_end - 1] == ":":
            sentence_start, _ = sentence_bounds(text, colon_end, colon_end, line_start, colon_end)
            return attribution_before(text, sentence_start, colon_end)
        line = text[line_start:colon_end].lstrip()
        if not MARK.match(line) or not (MARK.search(line, len(line) - 2) or len(MARK.findall(line)) % 2):
            return None
        paragraph_start = line_start
    return None


def attribution_by_dash(text: str, position: int) -> Attribution | None:
    """A speaker named on a dash line after the quote, as under a pull quote or an epigraph.

    "“We will not back down.”\n\n- Bernie Sanders, at a rally in Iowa."
    """
    match = DASH_SPEAKER.match(text, position, min(len(text), position + 200))
    if match is None:
        return None
    return _speaker_at(text, match.start("speaker"), match.end("speaker"), "")
