"""Sentence segmentation on news text: abbreviations, initials, decimals, quotes, headlines, junk."""

from __future__ import annotations

import pytest

from workers.extraction.segmentation import is_junk_line, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[sentence.start : sentence.end] for sentence in split_sentences(text)]


def test_titles_months_initials_and_decimals_do_not_end_a_sentence() -> None:
    text = "Sen. John McCain met Gen. George W. Bush on Jan. 5 and spent $3.5 billion. Then he left."
    assert _sentences(text) == [
        "Sen. John McCain met Gen. George W. Bush on Jan. 5 and spent $3.5 billion.",
        "Then he left.",
    ]


def test_us_ends_a_sentence_only_before_a_sentence_opener() -> None:
    text = "Troops left the U.S. Army base. They returned to the U.S. The war was over."
    assert _sentences(text) == ["Troops left the U.S. Army base.", "They returned to the U.S.", "The war was over."]


def test_a_quote_of_several_sentences_stays_whole() -> None:
    text = '"We tried. We failed," she said. "Is it over?" he asked. It was.'
    assert _sentences(text) == ['"We tried. We failed," she said.', '"Is it over?" he asked.', "It was."]


def test_headline_byline_list_and_caption_lines_are_their_own_sentences() -> None:
    text = "Ministers meet in Brussels\nBy Defence Industry Europe\n- Spending rose 4% in 2024\nPhoto: Reuters"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Ministers meet in Brussels", "By Defence Industry Europe", "Spending rose 4% in 2024", "Photo: Reuters",
    ]
    assert [s.junk for s in sentences] == [False, True, False, True]


@pytest.mark.parametrize(
    "line",
    ["By Defence Industry Europe", "Advertisement", "assured version a 300x600 1", "Photo: AFP",
     "Tags: NATO, Defence, Ukraine", "NATO, Defence, Ukraine, Drones", "Read more: related stories",
     "https://example.org/story", "(Photo by Jane Doe/Getty Images)"],
)
def test_page_junk_lines_are_recognised(line: str) -> None:
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line",
    ["Unemployment rose by 12 percent last year, the ministry said.", "By 2030, emissions must fall by half."],
)
def test_prose_is_not_junk(line: str) -> None:
    assert not is_junk_line(line)
