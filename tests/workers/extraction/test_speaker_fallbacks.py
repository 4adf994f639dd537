"""Quotes with no attribution beside them: a colon line above, the subject of their own sentence, the
speaker named after their run of quote paragraphs, or the person named nearest."""

from __future__ import annotations

from tests.workers.extraction.attribution_helpers import attributed


def test_line_ending_in_a_colon_introduces_the_quoted_paragraphs_below_it() -> None:
    text = (
        "Councilwoman Hana Ito was blunt:\n\n"
        "“We waited ten years for this road.”\n\n"
        "“Ten years of promises and surveys.”\n\n"
        "“Nobody here believes the new date.”"
    )
    for words in ("waited ten years", "promises", "new date"):
        assert attributed(text, words) == ("Councilwoman Hana Ito", "Hana Ito"), words
    # A quoted paragraph with its own attribution ends the run that the colon line introduces.
    answered = (
        "Councilwoman Hana Ito was blunt:\n\n"
        "“We waited ten years for this road.”\n\n"
        "“Ten years,” Mayor Raul Ames replied.\n\n"
        "“And ten more if nobody pushes.”"
    )
    assert attributed(answered, "waited ten years") == ("Councilwoman Hana Ito", "Hana Ito")
    assert attributed(answered, "ten more") == ("Mayor Raul Ames", "Raul Ames")


def test_quote_in_a_sentence_without_a_cue_belongs_to_its_subject() -> None:
    text = (
        "Diaz said the city would pay for the repairs. The fire chief lists "
        "“three buildings that should have been closed years ago” in his report."
    )
    assert attributed(text, "three buildings") == ("The fire chief", "The fire chief")


def test_unattributed_quote_paragraph_takes_the_speaker_named_after_its_run() -> None:
    text = "“We will win this district.”\n\n“We will not back down,” said Jo Ames."
    assert attributed(text, "win this district") == ("Jo Ames", "Jo Ames")


def test_unattributed_quote_takes_the_person_named_right_after_it() -> None:
    text = "The hall was full.\n\n“The numbers do not add up.” That line from Commissioner Jo Ames drew loud applause."
    assert attributed(text, "numbers") == ("Commissioner Jo Ames", "Jo Ames")
