"""The quote cascade: how sure it is of each speaker, and which speakers an attribution rule named."""

from __future__ import annotations

from workers.extraction.quotes import extract_quotes
from workers.extraction.quotes.cascade import (
    CONFIDENCE_DIRECT,
    CONFIDENCE_NAMED_AFTER_RUN,
    CONFIDENCE_NEAREST_PERSON,
    CONFIDENCE_PREVIOUS_SPEAKER,
    CONFIDENCE_UNATTRIBUTED,
    attribute_quotes,
)


def _found(text: str) -> list[tuple[str, str, float, bool]]:
    """(quote text, resolved speaker, score, direct) per quote."""
    return [(item.quote.text, item.quote.speaker, item.quote.score, item.direct) for item in attribute_quotes(text)]


def test_a_quote_with_its_own_attribution_is_direct() -> None:
    assert _found("“We will win,” Jo Ames said.") == [("“We will win,”", "Jo Ames", CONFIDENCE_DIRECT, True)]


def test_a_quote_standing_alone_continues_the_last_speaker_but_not_directly() -> None:
    text = "Jo Ames said, “We will win the district.”\n\n“Nobody doubts it any more.”"
    assert _found(text) == [
        ("“We will win the district.”", "Jo Ames", CONFIDENCE_DIRECT, True),
        ("“Nobody doubts it any more.”", "Jo Ames", CONFIDENCE_PREVIOUS_SPEAKER, False),
    ]
    continued = attribute_quotes(text)[1].quote
    assert text[continued.speaker_start : continued.speaker_end] == "Jo Ames" and continued.cue == "said"


def test_a_run_of_quote_paragraphs_takes_the_speaker_named_after_it() -> None:
    text = "“We will win this district.”\n\n“We will not back down,” said Jo Ames."
    assert _found(text) == [
        ("“We will win this district.”", "Jo Ames", CONFIDENCE_NAMED_AFTER_RUN, False),
        ("“We will not back down,”", "Jo Ames", CONFIDENCE_DIRECT, True),
    ]


def test_a_speaker_carried_over_gives_way_to_the_one_named_after_the_run_but_a_direct_one_does_not() -> None:
    carried = (
        "Jo Ames said, “We will win the district.” The crowd cheered.\n\n“Nobody doubts it any more.”\n\n"
        "“And the next one too,” said Tom Reyes."
    )
    assert [(speaker, score, direct) for _, speaker, score, direct in _found(carried)] == [
        ("Jo Ames", CONFIDENCE_DIRECT, True),
        ("Tom Reyes", CONFIDENCE_NAMED_AFTER_RUN, False),
        ("Tom Reyes", CONFIDENCE_DIRECT, True),
    ]
    direct = "The crowd cheered. Jo Ames said: “We will win the district.”\n\n“And the next one too,” said Tom Reyes."
    assert [(speaker, direct) for _, speaker, _, direct in _found(direct)] == [("Jo Ames", True), ("Tom Reyes", True)]


def test_the_person_named_nearest_is_the_last_resort() -> None:
    text = "The hall was full.\n\n“The numbers do not add up.” That line from Commissioner Jo Ames drew applause."
    assert _found(text) == [("“The numbers do not add up.”", "Jo Ames", CONFIDENCE_NEAREST_PERSON, False)]


def test_a_quote_with_nobody_near_it_has_no_speaker() -> None:
    (quote,) = extract_quotes("“The numbers do not add up at all.”")
    assert (quote.speaker, quote.speaker_start, quote.speaker_end, quote.cue) == ("", None, None, "")
    assert quote.score == CONFIDENCE_UNATTRIBUTED


def test_fragments_quoted_in_one_sentence_of_paraphrase_are_one_quote() -> None:
    text = 'Senator Jo Ames called the plan "a waste of money" and "a gift to rich donors" on Tuesday.'
    assert _found(text) == [('"a waste of money" and "a gift to rich donors"', "Jo Ames", CONFIDENCE_DIRECT, True)]


def test_extract_quotes_returns_the_spans_of_the_cascade() -> None:
    text = "Jo Ames said, “We will win the district.”\n\n“Nobody doubts it any more.”"
    assert extract_quotes(text) == [item.quote for item in attribute_quotes(text)]
