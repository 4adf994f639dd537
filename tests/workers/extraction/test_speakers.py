"""Quote speakers: where the speaker is named relative to the quote, and who a pronoun refers to."""

from __future__ import annotations

from workers.extraction import extract
from workers.extraction.names import NameIndex
from workers.extraction.types import QuoteSpan


def _quotes(text: str) -> list[QuoteSpan]:
    quotes = extract(text).quotes
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text, "a quote's offsets must select its text"
        if quote.speaker_start is not None:
            assert 0 <= quote.speaker_start < quote.speaker_end <= len(text), "speaker offsets out of range"
    return quotes


def _quote_containing(text: str, words: str) -> QuoteSpan:
    matching = [quote for quote in _quotes(text) if words in quote.text]
    assert len(matching) == 1, f"expected one quote with {words!r}, got {[q.text for q in _quotes(text)]}"
    return matching[0]


def _speaker_span(text: str, quote: QuoteSpan) -> str:
    assert quote.speaker_start is not None, f"no speaker found for {quote.text!r}"
    return text[quote.speaker_start : quote.speaker_end]


def test_participle_after_a_said_clause_takes_that_clause_speaker() -> None:
    text = (
        "Mayor Dana Okafor spoke to reporters on Friday.\n\n"
        "“The bridge will reopen in May,” she said, adding: “Nobody wants it closed longer than that.”"
    )
    quote = _quote_containing(text, "Nobody wants")
    assert _speaker_span(text, quote) == "she"
    assert quote.speaker == "Dana Okafor"


def test_participle_skips_introductory_phrases_to_find_the_subject() -> None:
    text = (
        "On Thursday, after weeks of silence on the matter, Warren endorsed the plan, saying, "
        "“It is the best chance we have to fix the schools.”"
    )
    quote = _only(text)
    assert _speaker_span(text, quote) == "Warren"


def test_infinitive_cue_takes_the_subject_of_the_main_verb() -> None:
    text = "Governor Alan Price went on to say, “We will not raise the sales tax this year.”"
    assert _only(text).speaker == "Alan Price"


def test_sentence_ending_in_a_colon_introduces_the_quote_whatever_its_verb() -> None:
    text = "The host interjected: “So you are saying there will be some flexibility?”"
    assert _speaker_span(text, _only(text)) == "The host"
    named = "Pollsters agree - Carla Ruiz: “Keep calling voters until the very last day.”"
    assert _speaker_span(named, _only(named)) == "Carla Ruiz"


def test_any_past_tense_verb_attributes_a_quote_that_ends_in_a_comma() -> None:
    barked = "“Go back to your seat,” Trump barked, and a guard stepped forward."
    assert _speaker_span(barked, _only(barked)) == "Trump"
    beamed = "“This is the best night of my life!” beamed Donald Hartley of Madison, Alabama."
    assert _speaker_span(beamed, _only(beamed)) == "Donald Hartley"


def test_quote_that_ends_its_sentence_belongs_to_the_attribution_before_it() -> None:
    text = (
        "Defence lawyer Ben Adler said, “The way this case was brought is unlike any we have seen.” "
        "He added, “Things happened here that are not ordinary.”"
    )
    first = _quote_containing(text, "unlike any")
    assert _speaker_span(text, first) == "Ben Adler"


def test_cue_after_a_comma_is_inverted_when_no_name_precedes_it() -> None:
    text = (
        "“Many would call that an embarrassment for the governor” if she won by less, "
        "said Tom Reyes, an analyst at the Capitol Report."
    )
    assert _speaker_span(text, _only(text)) == "Tom Reyes"


def test_passive_cue_names_the_speaker_after_by() -> None:
    text = "Sanders was asked by host Bill Maher, “Has the story moved on since the spring?”"
    assert "Bill Maher" in _speaker_span(text, _only(text))


def test_long_premodified_name_after_the_quote() -> None:
    text = "“We are tying their hands by putting this in the constitution,” state Sen. Jason Holt (D) said."
    assert "Jason Holt" in _speaker_span(text, _only(text))


def test_dash_line_under_a_quote_names_its_speaker() -> None:
    text = "“Almost all new income is going to the top 1 percent.”\n\n- Bernie Sanders.\n\nThe figure is old."
    assert _speaker_span(text, _only(text)) == "Bernie Sanders"


def test_a_phrase_governed_by_a_preposition_is_not_the_speaker() -> None:
    text = (
        "In a statement to the Observer, her senior adviser, Jake Sullivan, said: "
        "“Cooperation is strongest when Europe is united.”"
    )
    assert _speaker_span(text, _only(text)) != "a statement to the Observer"
    assert "Jake Sullivan" in _only(text).speaker


def test_leading_conjunction_is_not_part_of_the_speaker() -> None:
    text = "And Skelly called Braynard “a real smart guy who understands the data better than anyone.”"
    assert _speaker_span(text, _only(text)) == "Skelly"


def test_she_skips_a_man_mentioned_in_between() -> None:
    text = (
        "Hillary Clinton met Bernie Sanders in Vermont on Monday. Sanders said he would stay in the race.\n\n"
        "“We agreed on more than we disagreed,” she said."
    )
    quote = _only(text)
    assert _speaker_span(text, quote) == "she"
    assert quote.speaker == "Hillary Clinton"


def test_gender_is_read_from_titles_and_from_the_pronouns_after_a_name() -> None:
    text = (
        "Ms. Alvarez runs the clinic. Jordan Lee, her deputy, said he would stay on. "
        "Lee said his team was tired. Alvarez spoke last."
    )
    names = NameIndex(text)
    assert names.gender("Ms. Alvarez") == "f"
    assert names.gender("Jordan Lee") == "m"
    assert names.resolve("he", len(text)) == "Jordan Lee"
    assert names.resolve("she", len(text)) == "Alvarez"


def test_a_dash_line_under_the_quote_beats_the_sentence_before() -> None:
    text = (
        "The mayor has asked for a recount. The clerk has not answered.\n\n"
        "\"We will count every ballot again, and we will do it in public.\"\n\n"
        "- Dana Whitfield, at the town hall.\n"
    )
    assert _only(text).speaker == "Dana Whitfield"


def test_an_inner_closing_mark_after_the_outer_one_is_skipped() -> None:
    text = "''The guard looked at me and said, 'You are late,''' Ms. Okafor recalled."
    assert _speaker_span(text, _only(text)) == "Ms. Okafor"


def test_a_cue_word_after_an_article_is_not_a_verb() -> None:
    text = "Rivera told the Gazette in a written statement, \"I have nothing to hide from anyone.\""
    assert _speaker_span(text, _only(text)) == "Rivera"


def test_a_sentence_may_open_with_its_cue() -> None:
    text = "The fund lost money in May. Said Halvorsen, \"Nobody saw the drop coming this year.\""
    quote = _only(text)
    assert _speaker_span(text, quote) == "Halvorsen"
    assert quote.speaker == "Halvorsen"


def test_issuing_a_statement_attributes_it() -> None:
    text = "After the vote, Governor Ellis issued a statement, \"This is a good day for the state.\""
    assert _only(text).speaker == "Ellis"

def _only(text: str) -> QuoteSpan:
    quotes = _quotes(text)
    assert len(quotes) == 1, f"expected one quote, got {[q.text for q in quotes]}"
    return quotes[0]
