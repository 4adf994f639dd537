"""Finding an item's span again after the article's text changed."""

from __future__ import annotations

from annotations.rules.anchoring import reanchor

OLD = "The minister spoke on Monday. Unemployment fell to 4.1 percent in June. Exports rose."


def _span(text, words):
    start = text.index(words)
    return start, start + len(words)


def test_reanchor_exact_after_text_inserted_before():
    new = "BREAKING. " + OLD
    start, end = _span(OLD, "Unemployment fell to 4.1 percent in June.")
    anchor = reanchor(
        old_text=OLD, new_text=new, start=start, end=end, prefix=OLD[start - 20 : start], suffix=OLD[end : end + 20]
    )

    assert anchor.exact and new[anchor.start : anchor.end] == OLD[start:end]


def test_reanchor_picks_the_occurrence_whose_context_matches():
    old = "Prices rose. He said yes. Later, prices fell. He said yes. The end."
    start = old.rindex("He said yes.")
    end = start + len("He said yes.")
    new = "Intro. " + old
    anchor = reanchor(
        old_text=old, new_text=new, start=start, end=end, prefix=old[start - 20 : start], suffix=old[end : end + 10]
    )

    assert anchor.start == new.rindex("He said yes.")


def test_reanchor_fuzzy_when_words_changed_and_none_when_gone():
    start, end = _span(OLD, "Unemployment fell to 4.1 percent in June.")
    edited = OLD.replace("4.1 percent", "4.2 percent")
    anchor = reanchor(
        old_text=OLD, new_text=edited, start=start, end=end, prefix=OLD[start - 20 : start], suffix=OLD[end : end + 20]
    )
    assert anchor is not None and not anchor.exact
    assert "4.2 percent" in edited[anchor.start : anchor.end]

    gone = "The minister spoke on Monday. Exports rose."
    assert reanchor(old_text=OLD, new_text=gone, start=start, end=end, prefix="", suffix="") is None
