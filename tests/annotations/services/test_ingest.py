"""The headline guess for pasted text: real headlines end in a full stop too; body text is not one."""

from __future__ import annotations

import pytest

from annotations.services.ingest import article_ingest
from workers.extraction.headline import headline_and_byline

LEDE = (
    "The president signed the spending bill on Friday after weeks of talks, ending the threat of a "
    "shutdown that had hung over the capital since the summer."
)


@pytest.mark.parametrize(
    "headline",
    [
        "Obama signs the bill.",
        "Poll: Senator a big turnoff for coastal voters, including retirees.",
        "Budget talks stall; deadline may slip.",
        "One Vote In The Senate Just Set Off A Storm. His Answer Took Everyone By Surprise.",
        "Is the governor finished?",
        "Mayor Says ‘No Deal’ on the Stadium, Calls Council Vote ‘a Mistake.’",
        "Harbour bridge reopens after repairs",
    ],
)
def test_a_first_line_that_reads_as_a_headline_is_taken_even_ending_in_a_full_stop(headline: str) -> None:
    assert headline_and_byline(f"{headline}\n\n{LEDE}") == (headline, "")


@pytest.mark.parametrize(
    "first_line",
    [
        LEDE,  # one long sentence (26 words)
        "Unemployment fell. Prices rose. Wages stayed flat in June.",  # three sentences
        "SPRINGFIELD (AP) — The state senate passed the budget on a narrow vote.",  # a dateline
        "HARBOUR CITY — Ferry crossings resume on Monday after the strike.",
        "“We are pleased with the figures,” the minister said.",  # reported speech
        "The plan will cost more than planned, the treasurer told reporters.",
        "Read the full report below:",  # introduces what follows
    ],
)
def test_a_first_line_that_reads_as_body_text_is_not_a_headline(first_line: str) -> None:
    assert headline_and_byline(f"{first_line}\n\n{LEDE}")[0] == ""


def test_a_text_of_one_paragraph_has_no_headline() -> None:
    assert headline_and_byline("Obama signs the bill.")[0] == ""


def test_the_byline_is_found_under_a_headline_and_is_never_the_headline() -> None:
    assert headline_and_byline(f"Obama signs the bill.\n\nBy Jane Doe\n\n{LEDE}") == (
        "Obama signs the bill.", "Jane Doe",
    )
    assert headline_and_byline(f"By Jane Doe\n\n{LEDE}") == ("", "Jane Doe")


@pytest.mark.django_db
def test_pasted_article_gets_its_headline_ending_in_a_full_stop_as_title(editor) -> None:
    result = article_ingest(added_by=editor, text=f"Obama signs the bill.\n\n{LEDE}")

    assert result.created
    assert result.article.title == "Obama signs the bill."
