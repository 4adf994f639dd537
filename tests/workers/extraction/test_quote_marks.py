"""Quote marks: which way each mark faces, and how marks pair into quotes within and across paragraphs."""

from __future__ import annotations

import re

import pytest

from workers.extraction.quotes.marks import RawQuote, mark_direction, pair_marks


def _directions(text: str) -> list[str]:
    return [mark_direction(text, match.start(), match.group()) for match in re.finditer(r"''|[\"“”«»]", text)]


def _quoted(text: str) -> list[str]:
    return [text[quote.start : quote.end] for quote in pair_marks(text)]


@pytest.mark.parametrize(
    ("text", "directions"),
    [
        ("He said “go” now", ["open", "close"]),
        ('He said "go" now', ["open", "close"]),
        ("''Our jobs,'' he said.", ["open", "close"]),
        ("«Non», a-t-il dit.", ["open", "close"]),
        ("the word“ ends here", ["close"]),  # a “ glued to the word on its left closes
        ("and ”Yes” twice", ["open", "close"]),  # a ” before a word opens
        ('a " lone " mark', ["", ""]),  # a straight mark between spaces faces neither way
    ],
)
def test_a_mark_faces_the_way_its_shape_or_its_neighbours_say(text: str, directions: list[str]) -> None:
    assert _directions(text) == directions


def test_marks_pair_within_a_paragraph_with_its_bounds() -> None:
    text = 'Intro line.\nA "b c" d'
    assert pair_marks(text) == [RawQuote(start=14, end=19, paragraph_start=12, paragraph_end=21)]


def test_a_quote_left_open_is_dropped_at_the_end_of_its_paragraph() -> None:
    text = 'He said "this never closes.\n\nLater, "We are ready," Smith said.'
    assert _quoted(text) == ['"We are ready,"']


def test_a_quote_goes_on_into_a_paragraph_that_reopens_it() -> None:
    text = '"The first part.\n\n"The second part."\n\nNarration.'
    (quote,) = pair_marks(text)
    assert text[quote.start : quote.end] == '"The first part.\n\n"The second part."'
    assert (quote.paragraph_start, quote.paragraph_end) == (0, text.index("\n\nNarration"))


def test_a_paragraph_that_does_not_reopen_the_quote_ends_it() -> None:
    assert _quoted('"The first part.\n\nNarration with "a b" in it.') == ['"a b"']


def test_a_second_opening_mark_starts_the_quote_again() -> None:
    assert _quoted("“one “two three” four") == ["“two three”"]


def test_an_opening_mark_inside_a_carried_quote_changes_nothing() -> None:
    text = "“First part.\n\n“Second “part.”"
    assert _quoted(text) == [text]


def test_a_closing_mark_without_an_opening_one_is_not_a_quote() -> None:
    assert pair_marks("closing” only, and 'apostrophes' are not marks") == []
