"""Who a speaker named by a pronoun is: the person named before it, passing over publications, places
and names quoted inside the marks."""

from __future__ import annotations

from tests.workers.extraction.attribution_helpers import attributed
from workers.extraction.names import NameIndex


def test_pronoun_skips_a_publication_named_inside_the_quote() -> None:
    text = "Senator Ruth Okonkwo spoke at the forum. “I read about it in the Daily Ledger,” she said."
    assert attributed(text, "Daily Ledger") == ("she", "Ruth Okonkwo")


def test_pronoun_skips_a_name_after_the_or_in() -> None:
    newspaper = (
        "Ruth Okonkwo wrote a column for the Weekly Sentinel last spring.\n\n"
        "“Nobody asked the farmers what they wanted,” she said."
    )
    assert attributed(newspaper, "farmers") == ("she", "Ruth Okonkwo")
    town = "Ruth Okonkwo grew up in Fort Pierce.\n\n“Nobody asked the farmers what they wanted,” she said."
    assert attributed(town, "farmers") == ("she", "Ruth Okonkwo")


def test_pronoun_falls_back_to_a_quoted_name_when_no_other_person_is_named() -> None:
    text = "“Dana Whitfield will know,” the clerk told us. She did."
    assert NameIndex(text).resolve("She", text.index("She did")) == "Dana Whitfield"
    # With a person named outside the quote as well, that person wins.
    both = "Mara Lind called the office. “Dana Whitfield will know,” the clerk told her. She called again."
    assert NameIndex(both).resolve("She", both.index("She called")) == "Mara Lind"
