"""Claims: scores, threshold, facets, junk, and the shipped model."""

from __future__ import annotations

import json
import re

from workers.extraction import extract, extractor_version
from workers.extraction.checkworthiness import MODEL_PATH, load_model

ARTICLE = """Defence ministers agree new drone plan
By Defence Industry Europe

Unemployment in Germany rose by 12 percent in 2023, according to the Federal Employment Agency.
Thank you all for coming.
Advertisement
Photo: Reuters
Tags: NATO, Defence, Ukraine, Drones"""


def test_every_sentence_over_the_threshold_is_a_claim_with_a_score() -> None:
    everything = extract(ARTICLE, claim_threshold=0.0)
    assert everything.claims, "a zero threshold keeps every prose sentence"
    assert all(0.0 <= claim.score <= 1.0 for claim in everything.claims)
    nothing = extract(ARTICLE, claim_threshold=1.01)
    assert nothing.claims == []


def test_junk_never_becomes_a_claim() -> None:
    texts = [claim.text for claim in extract(ARTICLE, claim_threshold=0.0).claims]
    for junk in ("By Defence Industry Europe", "Advertisement", "Photo: Reuters", "Tags: NATO"):
        assert not any(junk in text for text in texts), f"{junk!r} became a claim"


def test_statistical_sentence_is_check_worthy_and_carries_facets() -> None:
    claims = extract(ARTICLE).claims
    statistic = next(claim for claim in claims if "Unemployment" in claim.text)
    assert "12 percent" in statistic.facets["numbers"]
    assert any("2023" in date for date in statistic.facets["dates"])
    assert "Germany" in statistic.facets["places"]
    assert any("Employment Agency" in organisation for organisation in statistic.facets["organisations"])
    assert statistic.facets["speaker"] == "the Federal Employment Agency"


def test_people_and_resolved_speaker_facets() -> None:
    text = "Chancellor Olaf Scholz spoke on Monday. He said the army will hire 20,000 soldiers by 2027."
    claim = next(claim for claim in extract(text, claim_threshold=0.0).claims if "20,000" in claim.text)
    assert claim.facets["speaker"] == "Olaf Scholz"
    assert "20,000 soldiers" in claim.facets["numbers"]


def test_model_is_small_plain_json_and_named_in_the_version() -> None:
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert 0.0 < data["threshold"] < 1.0 and data["weights"]
    # The fast mode's version is the one of the engine before the modes existed.
    assert load_model().digest[:12] in extractor_version("fast")
    assert re.fullmatch(r"rules-\d+\+model-[0-9a-f]{12}", extractor_version("fast"))


def test_facets_leave_out_job_acronyms_and_half_titles() -> None:
    sentence = "Massachusetts Sen. Elizabeth Warren told the CEO that profits rose 12 percent in 2023."

    facets = extract(sentence, claim_threshold=0.0).claims[0].facets

    assert facets["people"] == ["Elizabeth Warren"]  # not "Massachusetts Sen"
    assert "CEO" not in facets.get("organisations", [])
    assert facets["places"] == ["Massachusetts"]
    assert "12 percent" in facets["numbers"]


def test_an_organisation_is_named_without_the_job_of_the_person_before_it() -> None:
    text = (
        "The CEO of Acme Corp said sales rose 12 percent in March 2024. "
        "The Bank of England raised rates to 5.25 percent, the President of the European Central Bank said."
    )

    first, second = extract(text, claim_threshold=0.0).claims

    assert first.facets["organisations"] == ["Acme Corp"]  # not "The CEO of Acme Corp"
    assert first.facets["speaker"] == "The CEO of Acme Corp"  # the person, not the company
    assert second.facets["organisations"] == ["The Bank of England", "European Central Bank"]  # "of" in a name stays
    assert second.facets["speaker"] == "the President of the European Central Bank"


def test_people_facets_drop_possessives_and_things_named_after_people() -> None:
    from workers.extraction.facets import claim_facets

    facets = claim_facets("Maria Lopez’s office said the Affordable Care Act covered 20 million people in 2016.")
    assert facets["people"] == ["Maria Lopez"]  # not "Maria Lopez’s"; the act is no one
    facets = claim_facets("An email to Harbor Media’s Tom Reyes said 300 people marched to Grant Lee Park on Sunday.")
    assert facets["people"] == ["Tom Reyes"]  # the person after the outlet's possessive
    assert facets["places"] == ["Grant Lee Park"]  # a park, not a person, whole
    facets = claim_facets("The advice, from Kevin McCall of Dayton, saved families 12 percent in 2023.")
    assert "Kevin" not in facets.get("places", [])  # a first name cut from the run, not a place


def test_a_source_line_is_never_a_claim_but_a_sentence_naming_a_source_can_be() -> None:
    text = (
        "Russia launched over 330 missiles at Ukraine in June, the ministry said.\n\n"
        "Sources: the Ministry of Defence said 12 drones were shot down on Monday.\n\n"
        "Source: President of Ukraine"
    )

    texts = [claim.text for claim in extract(text, claim_threshold=0.0).claims]

    assert "Source: President of Ukraine" not in texts
    assert any("330 missiles" in claim for claim in texts)
    assert any("12 drones" in claim for claim in texts)  # a full sentence, ending in a full stop


HEADLINED = """Unemployment in Germany rose by 12 percent in 2023
Unemployment in Germany rose by 12 percent in 2023, according to the Federal Employment Agency.
Unemployment in Germany rose by 12 percent in 2023
"""


def test_the_title_s_line_at_the_top_is_the_headline_and_never_a_claim() -> None:
    title = "Unemployment in  Germany rose by 12 percent in 2023 "  # spacing as a form may send it
    with_title = [claim.start for claim in extract(HEADLINED, claim_threshold=0.0, headline=title).claims]
    without = [claim.start for claim in extract(HEADLINED, claim_threshold=0.0).claims]
    other_title = [claim.start for claim in extract(HEADLINED, claim_threshold=0.0, headline="Jobs").claims]

    second, last = HEADLINED.index("\n") + 1, HEADLINED.rindex("Unemployment")
    assert without == other_title == [0, second, last]
    assert with_title == [second, last]  # only the first line is the headline


def test_a_title_that_ends_like_a_sentence_or_is_the_whole_text_is_still_scored() -> None:
    # A title guessed from text pasted without its headline can be the lede: its claim stays.
    lede = "Unemployment in Germany rose by 12 percent in 2023, the agency said on Monday."
    pasted = f"{lede}\n\nEconomists had expected a smaller rise of 8 percent."
    alone = "Unemployment in Germany rose by 12 percent in 2023"

    assert 0 in [claim.start for claim in extract(pasted, claim_threshold=0.0, headline=lede).claims]
    assert [claim.start for claim in extract(alone, claim_threshold=0.0, headline=alone).claims] == [0]


def test_a_title_given_as_json_leaves_the_headline_out_and_must_be_a_string() -> None:
    import io

    import pytest

    from workers.extraction.cli import run_jsonl

    lines = [json.dumps({"id": 1, "text": HEADLINED, "title": HEADLINED.split("\n")[0]}),
             json.dumps({"id": 2, "text": HEADLINED})]
    out = io.StringIO()
    run_jsonl(io.StringIO("\n".join(lines)), out, claim_threshold=0.0)
    starts = [[claim["start"] for claim in json.loads(line)["claims"]] for line in out.getvalue().splitlines()]

    assert 0 not in starts[0] and 0 in starts[1]
    with pytest.raises(ValueError, match='line 1: "title" must be a string'):
        run_jsonl(io.StringIO(json.dumps({"text": HEADLINED, "title": 3})), io.StringIO())
