"""The entry point: every quote of a text, and its speaker from a numbered cascade of attribution rules."""

from __future__ import annotations

from dataclasses import replace

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
from workers.extraction.quotes.marks import pair_marks
from workers.extraction.quotes.patterns import CLOSES_SENTENCE, WORD, WORD_CHARACTER
from workers.extraction.quotes.pieces import MERGE_PARTIALS, interruption, same_sentence
from workers.extraction.quotes.sentences import sentence_bounds
from workers.extraction.types import QuoteSpan


def _is_speech(inner: str, attributed: bool) -> bool:
    """False for scare quotes and quoted titles, which are not speech."""
    words = WORD.findall(inner)
    if not words:
        return False
    if len(words) <= 2:
        # "No," he said.  -- speech punctuation inside the marks and a cue next to it.
        return attributed and inner.rstrip()[-1:] in ",.!?"
    if not attributed and len(words) <= 8 and all(word[0].isupper() or len(word) <= 3 for word in words):
        return False  # a title in Title Case: "The Art of the Deal"
    return True


def extract_quotes(text: str, names: NameIndex | None = None) -> list[QuoteSpan]:
    """Every direct quote in ``text`` with its speaker, cue and speaker offsets.

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
    if names is None:
        names = NameIndex(text)
    raw_quotes = pair_marks(text)
    results: list[QuoteSpan] = []
    previous: tuple[int, int, str, str] | None = None  # (speaker span, resolved name, cue) of the last quote
    previous_end = -1
    index = 0
    while index < len(raw_quotes):
        first = raw_quotes[index]
        last = first
        attribution: Attribution | None = None
        # Join the pieces of an interrupted quote: "A," she said, "B."  /  "A," she said. "B."
        while index + 1 < len(raw_quotes):
            clause = interruption(text, last, raw_quotes[index + 1])
            if clause is None:
                if not (MERGE_PARTIALS and same_sentence(text, last, raw_quotes[index + 1])):
                    break
            elif attribution is None:
                attribution = clause
                # “... seen.” He added, “...”: the first piece closed its sentence, so an attribution
                # before it names its speaker better than the clause that opens the next sentence.
                if CLOSES_SENTENCE.search(text, max(first.start, last.end - 4), last.end):
                    sentence_start, _ = sentence_bounds(text, first.start, first.start, first.paragraph_start,
                                                         first.start)
                    attribution = attribution_before(text, sentence_start, first.start) or clause
            last = raw_quotes[index + 1]
            index += 1
        start, end = first.start, last.end
        paragraph_start, paragraph_end = first.paragraph_start, last.paragraph_end
        sentence_start, _ = sentence_bounds(text, start, start, paragraph_start, start)
        _, sentence_end = sentence_bounds(text, end, end, end, paragraph_end)
        if attribution is None:
            # A quote that closes its sentence with a full stop ("Brafman said, “... found.” He added,")
            # belongs to the attribution before it; the clause after it starts the next sentence.
            if CLOSES_SENTENCE.search(text, max(start, end - 4), end):
                attribution = attribution_before(text, sentence_start, start) or attribution_after(
                    text, end, paragraph_end)
            else:
                attribution = attribution_after(text, end, paragraph_end) or attribution_before(
                    text, sentence_start, start)
        if attribution is None and not text[paragraph_start:start].strip():
            # A quote that opens its paragraph, under a line that ends in a colon ("Jo Ames echoed:",
            # "The ministry issued this statement:"), is the words that line introduces.
            attribution = attribution_of_colon_line(text, paragraph_start)
        if attribution is None:
            attribution = attribution_in_sentence(text, sentence_start, sentence_end, start, end)
        if attribution is None:
            # A dash line right under the quote names its speaker ("- Bernie Sanders, in Iowa.") more
            # surely than the attribution of the sentence before it.
            attribution = attribution_by_dash(text, end)
        from_sentence_before = False
        if attribution is None:
            attribution = attribution_just_before(text, sentence_start)
            from_sentence_before = attribution is not None
        inner = text[start + 1 : end - 1]
        if not _is_speech(inner, attribution is not None or _stands_alone(text, start, end, paragraph_start,
                                                                             paragraph_end)):
            index += 1
            continue
        if (attribution is None or from_sentence_before) and WORD_CHARACTER.search(text[sentence_start:start]):
            # A quote inside a sentence without a cue verb ("He talks about “...”", "the FBI lists “...”")
            # belongs to the subject of that sentence rather than to the speaker named before it.
            attribution = clause_subject(text, sentence_start, start, "") or attribution
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
        speaker_start, speaker_end = trim_speaker(text, *span)
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
    return not WORD_CHARACTER.search(outside)

