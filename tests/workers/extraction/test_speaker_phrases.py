"""What a quote's speaker phrase covers: names with titles and appositives, descriptions and their
possessors, and the words around a cue (circumstance, calendar words, conjunctions) that are not the speaker.

Every test asserts both the resolved ``speaker`` and the phrase that ``speaker_start:speaker_end``
selects, so a rule that finds the right person through the wrong words still fails. The sentences
are invented; none comes from the development data.
"""

from __future__ import annotations

from tests.workers.extraction.attribution_helpers import attributed


def test_long_appositive_between_a_name_after_the_quote_and_its_cue() -> None:
    text = (
        "“We will not raise the property tax this year,” Hartwell, the former treasurer of Blaine County and "
        "the only candidate in the race who has run a budget larger than a hundred million dollars, said on Monday."
    )
    assert attributed(text, "property tax") == ("Hartwell", "Hartwell")


def test_weekday_or_yesterday_between_the_speaker_and_the_cue_is_skipped() -> None:
    after = "“The plant will close in June,” Governor Lena Ortiz on Tuesday said."
    assert attributed(after, "plant") == ("Governor Lena Ortiz", "Lena Ortiz")
    before = "Lena Ortiz on Tuesday said, “The plant will close in June.”"
    assert attributed(before, "plant") == ("Lena Ortiz", "Lena Ortiz")
    told = "Lena Ortiz met the workers.\n\n“The plant will close in June,” Ortiz yesterday told reporters."
    assert attributed(told, "plant") == ("Ortiz", "Lena Ortiz")


def test_sentence_opening_with_said_may_describe_the_speaker_before_the_quote() -> None:
    text = (
        "The shelter has grown every year. Said Marta Quill, who has run it since 2009, "
        "“We have never turned a family away.”"
    )
    assert attributed(text, "turned a family") == ("Marta Quill", "Marta Quill")
    # "Asked" opens an inverted cue too, but takes no appositive: "Asked about Ames, Ito said" is a
    # participle phrase, and the speaker is Ito, not "about Ames".
    asked = "The hearing ran late. Asked Councilman Tomas Reyes, “Who pays for the overtime?”"
    assert attributed(asked, "overtime") == ("Councilman Tomas Reyes", "Tomas Reyes")
    participle = "Asked about Ames, Ito said, “He has done a fine job.”"
    assert attributed(participle, "fine job") == ("Ito", "Ito")


def test_according_to_a_person_of_an_organisation_names_the_person() -> None:
    text = "According to Priya Natarajan of the Urban Policy Council, “Rents have doubled in a decade.”"
    assert attributed(text, "Rents") == ("Priya Natarajan", "Priya Natarajan")


def test_description_before_a_past_tense_verb_introduces_the_quote() -> None:
    shrugged = "The county's chief engineer shrugged, “Nobody builds bridges like that anymore.”"
    assert attributed(shrugged, "bridges") == ("The county's chief engineer", "The county's chief engineer")
    sighed = "The union's lead negotiator, visibly tired, sighed, “We are further apart than we were in March.”"
    assert attributed(sighed, "further apart") == ("The union's lead negotiator", "The union's lead negotiator")


def test_name_ending_a_clause_before_comma_said_is_not_the_speaker() -> None:
    text = "“There is simply no path for anyone in this field” to overtake Harmon, said Jo Ames, a strategist."
    assert attributed(text, "no path") == ("Jo Ames", "Jo Ames")
    # A first name that is also a month is still a name.
    june = "“Nobody in this field can win” against Harmon, said June Okafor, a county commissioner."
    assert attributed(june, "this field can win") == ("June Okafor", "June Okafor")


def test_weekday_after_said_is_never_the_speaker() -> None:
    text = "The county's top election official, Dana Brooks, said Tuesday that “every ballot will be counted by hand.”"
    assert attributed(text, "every ballot") == ("Dana Brooks", "Dana Brooks")
    described = (
        "Harmon's campaign manager, a former deputy sheriff, said Friday that “the count was fair and the result "
        "stands.”"
    )
    speaker_phrase, speaker = attributed(described, "count was fair")
    assert speaker_phrase in "Harmon's campaign manager" and speaker == speaker_phrase, (speaker_phrase, speaker)


def test_infinitive_cue_without_a_plain_subject_takes_the_last_person_named() -> None:
    text = (
        "After the vote, much of the chamber fell so quiet that Speaker Dana Velez felt compelled to say, "
        "“This is not a funeral.”"
    )
    assert attributed(text, "funeral") == ("Speaker Dana Velez", "Dana Velez")


def test_titles_initials_and_party_labels_do_not_end_the_sentence() -> None:
    party = "Rep. Carla Mendes (D-N.M.) said, “The dam will not be built on my watch.”"
    assert attributed(party, "dam") == ("Rep. Carla Mendes", "Carla Mendes")
    title = "The board met on Monday. Ms. Ortega said, “We are not selling the building.”"
    assert attributed(title, "selling") == ("Ms. Ortega", "Ortega")
    initial = "Former President George W. Bush said, “We will not tire and we will not falter.”"
    assert attributed(initial, "falter") == ("Former President George W. Bush", "George W. Bush")


def test_words_that_open_a_clause_are_not_speakers() -> None:
    outside = "Outside City Hall, Mayor Ana Diaz spoke to reporters, saying, “We will rebuild every house.”"
    assert attributed(outside, "rebuild") == ("Mayor Ana Diaz", "Ana Diaz")
    together = "Ana Diaz was angry. Together with two aides, Diaz drafted the letter, saying, “We owe them an answer.”"
    assert attributed(together, "answer") == ("Diaz", "Ana Diaz")
    beyond = "Beyond the budget fight, Diaz has a bigger problem, saying, “Nobody trusts the numbers anymore.”"
    assert attributed(beyond, "numbers") == ("Diaz", "Diaz")


def test_age_or_relative_clause_after_an_appositive_name_keeps_the_name() -> None:
    aged = "A retired machinist, Walt Bremer, 71, said, “I have voted in every election since 1972.”"
    assert attributed(aged, "every election") == ("Walt Bremer", "Walt Bremer")
    described = "Asked whether she would run again, Mayor Jo Ames, who has served two terms, said: “Not this time.”"
    assert attributed(described, "Not this time") == ("Mayor Jo Ames", "Jo Ames")


def test_another_alone_stands_for_a_speaker() -> None:
    text = "“We were never told,” one resident said.\n\n“Nobody knocked on our doors,” another said."
    assert attributed(text, "knocked") == ("another", "another")


def test_a_possessor_named_before_a_description_stays_in_the_speaker() -> None:
    after = "“We will carry this county by ten points,” Harmon's campaign manager said on the bus."
    before = "Harmon’s campaign manager said: “We will carry this county by ten points.”"

    assert attributed(after, "carry this county") == ("Harmon's campaign manager", "Harmon's campaign manager")
    assert attributed(before, "carry this county")[0] == "Harmon’s campaign manager"


def test_a_weekday_before_a_description_is_not_its_possessor() -> None:
    text = "“The hall was full before noon,” Tuesday's organiser said."

    assert attributed(text, "hall was full") == ("organiser", "organiser")


def test_a_sentence_opening_with_said_may_place_the_speaker_before_the_quote() -> None:
    text = "The wing has been closed since the fire. Said Marta Quill of the museum board, “It will open in May.”"

    assert attributed(text, "open in May") == ("Marta Quill", "Marta Quill")


def test_a_place_name_that_opens_like_a_month_keeps_its_possessor() -> None:
    # "Mar" is not a calendar word for the speaker rules (lexicon.SPEAKER_RULE_MONTH_ABBREVIATIONS).
    text = "The club stayed open.\n\n“We will not close for the season,” Mar-a-Lago's spokesman said."

    assert attributed(text, "close for the season") == ("Mar-a-Lago's spokesman", "Mar-a-Lago's spokesman")
