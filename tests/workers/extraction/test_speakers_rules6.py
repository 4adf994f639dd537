"""Quote speakers under rules version 6: the attribution shapes and pronoun choices added in that version.

Every test asserts both the resolved ``speaker`` and the phrase that ``speaker_start:speaker_end``
selects, so a rule that finds the right person through the wrong words still fails. The sentences
are invented; none comes from the development data.
"""

from __future__ import annotations

from workers.extraction import extract
from workers.extraction.names import NameIndex
from workers.extraction.types import QuoteSpan


def _quote_with(text: str, words: str) -> QuoteSpan:
    quotes = extract(text).quotes
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text, "a quote's offsets must select its text"
    matching = [quote for quote in quotes if words in quote.text]
    assert len(matching) == 1, f"expected one quote containing {words!r}, got {[q.text for q in quotes]}"
    return matching[0]


def _attributed(text: str, words: str) -> tuple[str, str]:
    """(the speaker phrase as written, the resolved speaker) of the quote containing ``words``."""
    quote = _quote_with(text, words)
    assert quote.speaker_start is not None and quote.speaker_end is not None, (
        f"no speaker found for {quote.text!r}; expected one to be named near it"
    )
    return text[quote.speaker_start : quote.speaker_end], quote.speaker


def test_long_appositive_between_a_name_after_the_quote_and_its_cue() -> None:
    text = (
        "“We will not raise the property tax this year,” Hartwell, the former treasurer of Blaine County and "
        "the only candidate in the race who has run a budget larger than a hundred million dollars, said on Monday."
    )
    assert _attributed(text, "property tax") == ("Hartwell", "Hartwell")


def test_weekday_or_yesterday_between_the_speaker_and_the_cue_is_skipped() -> None:
    after = "“The plant will close in June,” Governor Lena Ortiz on Tuesday said."
    assert _attributed(after, "plant") == ("Governor Lena Ortiz", "Lena Ortiz")
    before = "Lena Ortiz on Tuesday said, “The plant will close in June.”"
    assert _attributed(before, "plant") == ("Lena Ortiz", "Lena Ortiz")
    told = "Lena Ortiz met the workers.\n\n“The plant will close in June,” Ortiz yesterday told reporters."
    assert _attributed(told, "plant") == ("Ortiz", "Lena Ortiz")


def test_sentence_opening_with_said_may_describe_the_speaker_before_the_quote() -> None:
    text = (
        "The shelter has grown every year. Said Marta Quill, who has run it since 2009, "
        "“We have never turned a family away.”"
    )
    assert _attributed(text, "turned a family") == ("Marta Quill", "Marta Quill")
    # "Asked" opens an inverted cue too, but takes no appositive: "Asked about Ames, Ito said" is a
    # participle phrase, and the speaker is Ito, not "about Ames".
    asked = "The hearing ran late. Asked Councilman Tomas Reyes, “Who pays for the overtime?”"
    assert _attributed(asked, "overtime") == ("Councilman Tomas Reyes", "Tomas Reyes")
    participle = "Asked about Ames, Ito said, “He has done a fine job.”"
    assert _attributed(participle, "fine job") == ("Ito", "Ito")


def test_according_to_a_person_of_an_organisation_names_the_person() -> None:
    text = "According to Priya Natarajan of the Urban Policy Council, “Rents have doubled in a decade.”"
    assert _attributed(text, "Rents") == ("Priya Natarajan", "Priya Natarajan")


def test_description_before_a_past_tense_verb_introduces_the_quote() -> None:
    shrugged = "The county's chief engineer shrugged, “Nobody builds bridges like that anymore.”"
    assert _attributed(shrugged, "bridges") == ("The county's chief engineer", "The county's chief engineer")
    sighed = "The union's lead negotiator, visibly tired, sighed, “We are further apart than we were in March.”"
    assert _attributed(sighed, "further apart") == ("The union's lead negotiator", "The union's lead negotiator")


def test_name_ending_a_clause_before_comma_said_is_not_the_speaker() -> None:
    text = "“There is simply no path for anyone in this field” to overtake Harmon, said Jo Ames, a strategist."
    assert _attributed(text, "no path") == ("Jo Ames", "Jo Ames")
    # A first name that is also a month is still a name.
    june = "“Nobody in this field can win” against Harmon, said June Okafor, a county commissioner."
    assert _attributed(june, "this field can win") == ("June Okafor", "June Okafor")


def test_weekday_after_said_is_never_the_speaker() -> None:
    text = "The county's top election official, Dana Brooks, said Tuesday that “every ballot will be counted by hand.”"
    assert _attributed(text, "every ballot") == ("Dana Brooks", "Dana Brooks")
    described = (
        "Harmon's campaign manager, a former deputy sheriff, said Friday that “the count was fair and the result "
        "stands.”"
    )
    speaker_phrase, speaker = _attributed(described, "count was fair")
    assert speaker_phrase in "Harmon's campaign manager" and speaker == speaker_phrase, (speaker_phrase, speaker)


def test_infinitive_cue_without_a_plain_subject_takes_the_last_person_named() -> None:
    text = (
        "After the vote, much of the chamber fell so quiet that Speaker Dana Velez felt compelled to say, "
        "“This is not a funeral.”"
    )
    assert _attributed(text, "funeral") == ("Speaker Dana Velez", "Dana Velez")


def test_line_ending_in_a_colon_introduces_the_quoted_paragraphs_below_it() -> None:
    text = (
        "Councilwoman Hana Ito was blunt:\n\n"
        "“We waited ten years for this road.”\n\n"
        "“Ten years of promises and surveys.”\n\n"
        "“Nobody here believes the new date.”"
    )
    for words in ("waited ten years", "promises", "new date"):
        assert _attributed(text, words) == ("Councilwoman Hana Ito", "Hana Ito"), words
    # A quoted paragraph with its own attribution ends the run that the colon line introduces.
    answered = (
        "Councilwoman Hana Ito was blunt:\n\n"
        "“We waited ten years for this road.”\n\n"
        "“Ten years,” Mayor Raul Ames replied.\n\n"
        "“And ten more if nobody pushes.”"
    )
    assert _attributed(answered, "waited ten years") == ("Councilwoman Hana Ito", "Hana Ito")
    assert _attributed(answered, "ten more") == ("Mayor Raul Ames", "Raul Ames")


def test_titles_initials_and_party_labels_do_not_end_the_sentence() -> None:
    party = "Rep. Carla Mendes (D-N.M.) said, “The dam will not be built on my watch.”"
    assert _attributed(party, "dam") == ("Rep. Carla Mendes", "Carla Mendes")
    title = "The board met on Monday. Ms. Ortega said, “We are not selling the building.”"
    assert _attributed(title, "selling") == ("Ms. Ortega", "Ortega")
    initial = "Former President George W. Bush said, “We will not tire and we will not falter.”"
    assert _attributed(initial, "falter") == ("Former President George W. Bush", "George W. Bush")


def test_words_that_open_a_clause_are_not_speakers() -> None:
    outside = "Outside City Hall, Mayor Ana Diaz spoke to reporters, saying, “We will rebuild every house.”"
    assert _attributed(outside, "rebuild") == ("Mayor Ana Diaz", "Ana Diaz")
    together = "Ana Diaz was angry. Together with two aides, Diaz drafted the letter, saying, “We owe them an answer.”"
    assert _attributed(together, "answer") == ("Diaz", "Ana Diaz")
    beyond = "Beyond the budget fight, Diaz has a bigger problem, saying, “Nobody trusts the numbers anymore.”"
    assert _attributed(beyond, "numbers") == ("Diaz", "Diaz")


def test_age_or_relative_clause_after_an_appositive_name_keeps_the_name() -> None:
    aged = "A retired machinist, Walt Bremer, 71, said, “I have voted in every election since 1972.”"
    assert _attributed(aged, "every election") == ("Walt Bremer", "Walt Bremer")
    described = "Asked whether she would run again, Mayor Jo Ames, who has served two terms, said: “Not this time.”"
    assert _attributed(described, "Not this time") == ("Mayor Jo Ames", "Jo Ames")


def test_pronoun_skips_a_publication_named_inside_the_quote() -> None:
    text = "Senator Ruth Okonkwo spoke at the forum. “I read about it in the Daily Ledger,” she said."
    assert _attributed(text, "Daily Ledger") == ("she", "Ruth Okonkwo")


def test_pronoun_skips_a_name_after_the_or_in() -> None:
    newspaper = (
        "Ruth Okonkwo wrote a column for the Weekly Sentinel last spring.\n\n"
        "“Nobody asked the farmers what they wanted,” she said."
    )
    assert _attributed(newspaper, "farmers") == ("she", "Ruth Okonkwo")
    town = "Ruth Okonkwo grew up in Fort Pierce.\n\n“Nobody asked the farmers what they wanted,” she said."
    assert _attributed(town, "farmers") == ("she", "Ruth Okonkwo")


def test_pronoun_falls_back_to_a_quoted_name_when_no_other_person_is_named() -> None:
    text = "“Dana Whitfield will know,” the clerk told us. She did."
    assert NameIndex(text).resolve("She", text.index("She did")) == "Dana Whitfield"
    # With a person named outside the quote as well, that person wins.
    both = "Mara Lind called the office. “Dana Whitfield will know,” the clerk told her. She called again."
    assert NameIndex(both).resolve("She", both.index("She called")) == "Mara Lind"


def test_another_alone_stands_for_a_speaker() -> None:
    text = "“We were never told,” one resident said.\n\n“Nobody knocked on our doors,” another said."
    assert _attributed(text, "knocked") == ("another", "another")


def test_quote_in_a_sentence_without_a_cue_belongs_to_its_subject() -> None:
    text = (
        "Diaz said the city would pay for the repairs. The fire chief lists "
        "“three buildings that should have been closed years ago” in his report."
    )
    assert _attributed(text, "three buildings") == ("The fire chief", "The fire chief")


def test_unattributed_quote_paragraph_takes_the_speaker_named_after_its_run() -> None:
    text = "“We will win this district.”\n\n“We will not back down,” said Jo Ames."
    assert _attributed(text, "win this district") == ("Jo Ames", "Jo Ames")


def test_unattributed_quote_takes_the_person_named_right_after_it() -> None:
    text = "The hall was full.\n\n“The numbers do not add up.” That line from Commissioner Jo Ames drew loud applause."
    assert _attributed(text, "numbers") == ("Commissioner Jo Ames", "Jo Ames")


# Rules 7: whose description it is, and "Said X of Y".


def test_a_possessor_named_before_a_description_stays_in_the_speaker() -> None:
    after = "“We will carry this county by ten points,” Harmon's campaign manager said on the bus."
    before = "Harmon’s campaign manager said: “We will carry this county by ten points.”"

    assert _attributed(after, "carry this county") == ("Harmon's campaign manager", "Harmon's campaign manager")
    assert _attributed(before, "carry this county")[0] == "Harmon’s campaign manager"


def test_a_weekday_before_a_description_is_not_its_possessor() -> None:
    text = "“The hall was full before noon,” Tuesday's organiser said."

    assert _attributed(text, "hall was full") == ("organiser", "organiser")


def test_a_sentence_opening_with_said_may_place_the_speaker_before_the_quote() -> None:
    text = "The wing has been closed since the fire. Said Marta Quill of the museum board, “It will open in May.”"

    assert _attributed(text, "open in May") == ("Marta Quill", "Marta Quill")
