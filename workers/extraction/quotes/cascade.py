"""The entry point: every quote of a text, and its speaker from a numbered cascade of attribution rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from workers.extraction.names import NameIndex
from workers.extraction.quotes.attribution import (
    Attribution,
    attribution_after,
    attribution_before,
    attribution_by_dash,
    attribution_in_sentence,
    attribution_just_before,
    attribution_of_colon_line,
    clause_subject,
    trim_speaker,
)
from workers.extraction.quotes.marks import RawQuote, pair_marks
from workers.extraction.quotes.patterns import CLOSES_SENTENCE, WORD, WORD_CHARACTER
from workers.extraction.quotes.pieces import interruption, same_sentence
from workers.extraction.quotes.sentences import sentence_bounds
from workers.extraction.types import QuoteSpan

# How sure the cascade is of a quote's speaker (``QuoteSpan.score``), by the step that found it.
CONFIDENCE_DIRECT = 1.0  # an attribution rule named the speaker of this very quote (steps 2 to 9)
CONFIDENCE_PREVIOUS_SPEAKER = 0.7  # a quote standing alone continues the last speaker's words (step 10)
CONFIDENCE_NAMED_AFTER_RUN = 0.6  # the speaker named after the run of quote paragraphs it opens (step 11)
CONFIDENCE_UNATTRIBUTED = 0.5  # no speaker at all (step 10), unless step 12 finds one
CONFIDENCE_NEAREST_PERSON = 0.4  # the person named nearest to the quote (step 12)

# How soon after the last quote a quote standing alone may still continue its speaker's words.
_PREVIOUS_SPEAKER_REACH = 1500
# How far from a quote with no attribution at all a person mention may be to be taken as its speaker.
_NEAREST_PERSON_REACH = 300


@dataclass(frozen=True, slots=True)
class PreviousSpeaker:
    """The speaker of the last directly attributed quote, which a quote standing alone may continue."""

    speaker_start: int
    speaker_end: int
    speaker: str  # the resolved name
    cue: str


@dataclass(frozen=True, slots=True)
class AttributedQuote:
    """A quote as the cascade returns it, and whether an attribution rule named its speaker.

    ``direct`` is False for a speaker carried over from another quote or taken from the nearest
    name (steps 10 to 12); steps 11 and 12 only ever replace a speaker that is not direct.
    """

    quote: QuoteSpan
    direct: bool


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a quote (all its pieces) sits: its marks, its paragraphs and its sentence."""

    start: int  # the opening mark of the first piece
    end: int  # just past the closing mark of the last piece
    paragraph_start: int
    paragraph_end: int
    sentence_start: int
    sentence_end: int


def extract_quotes(text: str, names: NameIndex | None = None) -> list[QuoteSpan]:
    """Every direct quote in ``text`` with its speaker, cue and speaker offsets."""
    return [item.quote for item in attribute_quotes(text, names)]


def attribute_quotes(text: str, names: NameIndex | None = None) -> list[AttributedQuote]:
    """Every direct quote in ``text`` with its speaker, and whether an attribution rule named it.

    Each quote runs down a cascade of steps; a step runs only while the quote has no speaker yet.

    1. Pair the quote marks, paragraph by paragraph (``marks.pair_marks``).
    2. Join the pieces of one quote: a quote interrupted by its attribution ("We will," she said,
       "go on.") becomes one span from the first opening mark to the last closing mark, and the
       interrupting clause names the speaker; fragments quoted in one sentence of paraphrase
       (called it "x" and "y") become one span too.
    3. The attribution next to the quote: right after the closing mark (", the senator said",
       ", Hartwell, the former treasurer ..., said", ", Trump barked" after a comma inside the
       marks), else right before the opening mark ("X said:", "according to X of the Y,", "Said X,
       who ...,", "X cracked,", the name or subject of a sentence that ends in a colon). A quote that
       ends its sentence with a full stop looks before itself first, since a clause after it ("He
       added, ...") starts the next sentence.
    4. A quote that opens its paragraph under a line ending in a colon ("Ito was blunt:") takes that
       line's speaker, across several quoted paragraphs.
    5. The subject of a cue verb in the same sentence (He called it "a disgrace"; for "..., saying"
       and "went on to say" the subject of the clause they hang on; for "..., said X" and "was asked
       by X", the X after the cue; "said Tuesday" names no one).
    6. A dash line under the quote ("- Bernie Sanders").
    7. The attribution that ends the previous sentence.
    8. A one- or two-word quote without speech punctuation, or a quoted title in Title Case, is a
       scare quote or a name, not speech, and is dropped unless a step above attributed it.
    9. A quote inside a sentence of its own with no cue ("The fire chief lists “...”") belongs to
       that sentence's subject rather than to the attribution of step 7.
    10. Still without a speaker, a quote continues the words of the last attributed speaker if it
        follows closely, else it has none.
    11. After every quote: a quote paragraph that is not directly attributed takes the speaker named
        after the run of quote paragraphs it opens.
    12. Last, a quote still without a speaker takes the person named nearest to it.

    Sentence breaks skip the full stops of titles, initials and party labels ("Ms. Ortega",
    "George W. Bush", "(D-N.M.) said"), and phrases that open with a function word ("Outside
    City Hall", "Together with ...") are not speakers. ``QuoteSpan.score`` says which step found the
    speaker (the ``CONFIDENCE_*`` constants). Speakers named by a pronoun or a surname are resolved
    to the fullest name seen earlier ("he" -> "Volodymyr Zelenskyy", "Mr. Trump" -> "Donald Trump");
    a gendered pronoun skips a person of the other gender, and prefers a mention outside quotation
    marks that is not a place or a publication ("in Fort Pierce", "the Daily Ledger") (see ``names``).
    """
    if names is None:
        names = NameIndex(text)
    raw_quotes = pair_marks(text)  # 1.
    found: list[AttributedQuote] = []
    previous: PreviousSpeaker | None = None
    previous_end = -1  # where the last quote kept ends
    index = 0
    while index < len(raw_quotes):
        first = raw_quotes[index]
        index, attribution = _join_pieces(text, raw_quotes, index)  # 2.
        last = raw_quotes[index]
        index += 1
        sentence_start, _ = sentence_bounds(text, first.start, first.start, first.paragraph_start, first.start)
        _, sentence_end = sentence_bounds(text, last.end, last.end, last.end, last.paragraph_end)
        place = _Place(first.start, last.end, first.paragraph_start, last.paragraph_end, sentence_start, sentence_end)
        from_sentence_before = False
        if attribution is None:
            attribution, from_sentence_before = _attribution_around(text, place)  # 3. to 7.
        attributed = attribution is not None or _stands_alone(text, place)
        if not _is_speech(text[place.start + 1 : place.end - 1], attributed):  # 8.
            continue
        if (attribution is None or from_sentence_before) and WORD_CHARACTER.search(
            text[place.sentence_start : place.start]
        ):  # 9. "He talks about “...”", "the FBI lists “...”"
            attribution = clause_subject(text, place.sentence_start, place.start, "") or attribution
        if attribution is not None:
            speaker_text = text[attribution.speaker_start : attribution.speaker_end]
            previous = PreviousSpeaker(
                attribution.speaker_start, attribution.speaker_end,
                names.resolve(speaker_text, attribution.speaker_start), attribution.cue,
            )
            found.append(_quote(text, place, previous, CONFIDENCE_DIRECT, direct=True))
        elif previous is not None and place.start - previous_end < _PREVIOUS_SPEAKER_REACH:
            found.append(_quote(text, place, previous, CONFIDENCE_PREVIOUS_SPEAKER, direct=False))  # 10.
        else:
            found.append(_quote(text, place, None, CONFIDENCE_UNATTRIBUTED, direct=False))  # 10.
        previous_end = place.end
    _speak_runs_named_after(text, found)  # 11.
    _speak_by_nearest_person(text, found, names)  # 12.
    return found


def _join_pieces(text: str, raw_quotes: list[RawQuote], index: int) -> tuple[int, Attribution | None]:
    """Step 2: the index of the last piece of the quote that starts at ``raw_quotes[index]``, and the
    attribution of its first interrupting clause ("A," she said, "B."  /  "A," she said. "B.")."""
    first = last = raw_quotes[index]
    attribution: Attribution | None = None
    while index + 1 < len(raw_quotes):
        following = raw_quotes[index + 1]
        clause = interruption(text, last, following)
        if clause is None:
            if not same_sentence(text, last, following):
                break
        elif attribution is None:
            attribution = clause
            # “... seen.” He added, “...”: the first piece closed its sentence, so an attribution
            # before it names its speaker better than the clause that opens the next sentence.
            if CLOSES_SENTENCE.search(text, max(first.start, last.end - 4), last.end):
                sentence_start, _ = sentence_bounds(text, first.start, first.start, first.paragraph_start,
                                                     first.start)
                attribution = attribution_before(text, sentence_start, first.start) or clause
        last = following
        index += 1
    return index, attribution


def _attribution_around(text: str, place: _Place) -> tuple[Attribution | None, bool]:
    """Steps 3 to 7 for a quote without an interrupting clause: the first attribution found, and
    whether it is the one that ends the sentence before (step 7)."""
    start, end, sentence_start = place.start, place.end, place.sentence_start
    # 3. A quote that closes its sentence with a full stop ("Brafman said, “... found.” He added,")
    # belongs to the attribution before it; the clause after it starts the next sentence.
    if CLOSES_SENTENCE.search(text, max(start, end - 4), end):
        attribution = attribution_before(text, sentence_start, start) or attribution_after(
            text, end, place.paragraph_end)
    else:
        attribution = attribution_after(text, end, place.paragraph_end) or attribution_before(
            text, sentence_start, start)
    if attribution is None and not text[place.paragraph_start : start].strip():
        # 4. A quote that opens its paragraph, under a line that ends in a colon ("Jo Ames echoed:",
        # "The ministry issued this statement:"), is the words that line introduces.
        attribution = attribution_of_colon_line(text, place.paragraph_start)
    if attribution is None:  # 5.
        attribution = attribution_in_sentence(text, sentence_start, place.sentence_end, start, end)
    if attribution is None:
        # 6. A dash line right under the quote names its speaker ("- Bernie Sanders, in Iowa.") more
        # surely than the attribution of the sentence before it.
        attribution = attribution_by_dash(text, end)
    if attribution is not None:
        return attribution, False
    attribution = attribution_just_before(text, sentence_start)  # 7.
    return attribution, attribution is not None


def _quote(text: str, place: _Place, speaker: PreviousSpeaker | None, score: float, *, direct: bool) -> AttributedQuote:
    """The quote at ``place`` spoken by ``speaker`` (None: nobody yet)."""
    span = QuoteSpan(
        start=place.start, end=place.end, text=text[place.start : place.end],
        speaker=speaker.speaker if speaker else "", speaker_start=speaker.speaker_start if speaker else None,
        speaker_end=speaker.speaker_end if speaker else None, cue=speaker.cue if speaker else "", score=score,
    )
    return AttributedQuote(span, direct)


def _is_speech(inner: str, attributed: bool) -> bool:
    """Step 8: False for scare quotes and quoted titles, which are not speech."""
    words = WORD.findall(inner)
    if not words:
        return False
    if len(words) <= 2:
        # "No," he said.  -- speech punctuation inside the marks and a cue next to it.
        return attributed and inner.rstrip()[-1:] in ",.!?"
    if not attributed and len(words) <= 8 and all(word[0].isupper() or len(word) <= 3 for word in words):
        return False  # a title in Title Case: "The Art of the Deal"
    return True


def _stands_alone(text: str, place: _Place) -> bool:
    """True when the quote fills its paragraph (apart from white space and punctuation)."""
    outside = text[place.paragraph_start : place.start] + text[place.end : place.paragraph_end]
    return not WORD_CHARACTER.search(outside)


def _paragraph_follows(text: str, end: int, next_start: int) -> bool:
    """True when the quote at ``next_start`` opens the paragraph right after the one ending at ``end``."""
    between = text[end:next_start]
    return "\n" in between and not between.strip()


def _speak_runs_named_after(text: str, found: list[AttributedQuote]) -> None:
    """Step 11: give a quote that is not directly attributed the speaker named after the run of quote
    paragraphs it opens.

    "“We will win.”\n\n“We will not back down,” said Jo Ames.": the first paragraph has no
    attribution and no speaker before it; whoever is named after the last quote of the run speaks
    the whole run. Runs are walked from the end, so the pass is linear in the number of quotes.
    """
    following: QuoteSpan | None = None  # the attributed quote that closes the run after the current quote
    for index in range(len(found) - 1, -1, -1):
        item = found[index]
        quote = item.quote
        if index + 1 < len(found) and not _paragraph_follows(text, quote.end, found[index + 1].quote.start):
            following = None
        after_narrative = index == 0 or not _paragraph_follows(text, found[index - 1].quote.end, quote.start)
        if quote.speaker_start is None or (not item.direct and after_narrative):
            if following is not None:
                found[index] = AttributedQuote(replace(
                    quote, speaker=following.speaker, speaker_start=following.speaker_start,
                    speaker_end=following.speaker_end, cue=following.cue, score=CONFIDENCE_NAMED_AFTER_RUN,
                ), direct=False)
        elif item.direct and quote.speaker_start > quote.start:
            following = quote
        else:
            following = None


def _speak_by_nearest_person(text: str, found: list[AttributedQuote], names: NameIndex) -> None:
    """Step 12, the last resort for a quote with no speaker: the person named right after it in its
    paragraph ("“...” That line from Commissioner Jo Ames ..."), else the person named last before it."""
    for index, item in enumerate(found):
        quote = item.quote
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
        speaker_start, speaker_end = trim_speaker(text, *span)
        if speaker_end <= speaker_start:
            continue
        found[index] = AttributedQuote(replace(
            quote, speaker=names.resolve(text[speaker_start:speaker_end], speaker_start),
            speaker_start=speaker_start, speaker_end=speaker_end, score=CONFIDENCE_NEAREST_PERSON,
        ), direct=False)
