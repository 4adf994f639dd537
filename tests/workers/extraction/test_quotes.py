"""Direct quotes: mark styles, interrupted and multi-paragraph quotes, speakers and cues."""

from __future__ import annotations

from workers.extraction import extract


def _only_quote(text: str):
    quotes = extract(text).quotes
    assert len(quotes) == 1, f"expected one quote, got {[q.text for q in quotes]}"
    return quotes[0]


def test_straight_and_curly_quotes_with_said_after() -> None:
    for text in ('"We will defend every town," Zelenskyy said.', "“We will defend every town,” Zelenskyy said."):
        quote = _only_quote(text)
        assert "We will defend every town" in quote.text
        assert (quote.speaker, quote.cue) == ("Zelenskyy", "said")
        assert text[quote.speaker_start : quote.speaker_end] == "Zelenskyy"


def test_interrupted_quote_is_one_span_with_the_speaker_inside() -> None:
    text = 'Jane Smith spoke last. "We will," she said, "go on."'
    quote = _only_quote(text)
    assert quote.text == '"We will," she said, "go on."'
    assert text[quote.speaker_start : quote.speaker_end] == "she"
    assert quote.speaker == "Jane Smith"


def test_pronoun_resolves_to_the_full_name_mentioned_earlier() -> None:
    text = (
        "President Volodymyr Zelenskyy visited the front on Monday.\n\n"
        "“We are not afraid of anyone,” he told soldiers."
    )
    quote = _only_quote(text)
    assert quote.speaker == "Volodymyr Zelenskyy"
    assert text[quote.speaker_start : quote.speaker_end] == "he"
    assert quote.cue == "told"


def test_multi_paragraph_quote_reopens_each_paragraph_and_closes_once() -> None:
    text = (
        'The minister said: "The first part of the plan is ready.\n\n'
        '"The second part will follow in spring."\n\nReporters left.'
    )
    quote = _only_quote(text)
    assert quote.text.startswith('"The first part') and quote.text.endswith('spring."')
    assert quote.speaker == "The minister" or text[quote.speaker_start : quote.speaker_end] == "The minister"


def test_said_colon_and_according_to_before_the_quote() -> None:
    colon = _only_quote('Mayor Anne Hidalgo said: "The river is clean enough to swim in."')
    assert colon.speaker == "Anne Hidalgo" and colon.cue == "said"
    according = _only_quote('According to the ministry, "all units have been resupplied since March."')
    assert according.cue == "according to" and according.speaker == "the ministry"


def test_partial_quote_inside_paraphrase_is_attributed() -> None:
    quote = _only_quote('Senator Jon Tester called the decision "a disgrace to the country" on Tuesday.')
    assert quote.text == '"a disgrace to the country"'
    assert quote.speaker == "Jon Tester" and quote.cue == "called"


def test_scare_quotes_and_titles_are_not_speech() -> None:
    text = 'The so-called "experts" praised the "Art of the Deal" and the "Second Amendment" crowd.'
    assert extract(text).quotes == []


def test_an_unbalanced_mark_does_not_swallow_the_rest_of_the_article() -> None:
    text = 'He said "this never closes.\n\nLater, "We are ready," Smith said.'
    quotes = extract(text).quotes
    assert [q.text for q in quotes] == ['"We are ready,"']
    assert quotes[0].speaker == "Smith"


def test_typewriter_double_apostrophes_are_quote_marks() -> None:
    quote = _only_quote("''Our jobs are being sucked out of our states,'' Mr. Trump said.")
    assert quote.speaker == "Trump" and quote.cue == "said"
