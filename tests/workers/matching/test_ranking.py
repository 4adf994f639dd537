"""Ranking on small hand-made sets: meaning beats unrelated text, lexical scores count, results are stable."""

from __future__ import annotations

import numpy as np
import pytest

from workers.encoder import get_encoder
from workers.matching import MATCHER_VERSION, Candidate, FactIndex, Match, embed_facts, matcher_version, rank

QUERY = "Obama let 122 Guantanamo prisoners go and they went back to terrorism #Gitmo"
PARAPHRASE = Candidate("gitmo", "122 detainees released from Guantanamo under President Obama re-engaged in terrorism.")
UNRELATED = [
    Candidate("butterflies", "Butterflies drank from a wombat hole after the Australian bushfires."),
    Candidate("cbc", "The CBC cut Donald Trump's scene from Home Alone 2."),
    Candidate("charlotte", "70 percent of those arrested in the Charlotte protests had out-of-state IDs."),
]


@pytest.fixture(scope="module")
def encoder():
    return get_encoder()


def test_the_paraphrase_beats_unrelated_fact_checks(encoder):
    matches = rank(QUERY, [*UNRELATED, PARAPHRASE], encoder=encoder)

    assert matches[0].id == "gitmo"
    assert matches[0].score > 0.5 > max(match.score for match in matches[1:])
    assert all(0.0 <= match.score <= 1.0 for match in matches)
    assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)


def test_stored_embeddings_give_the_same_ranking_as_embedding_the_text(encoder):
    candidates = [*UNRELATED, PARAPHRASE]
    vectors = embed_facts([candidate.text for candidate in candidates], encoder)
    # The text still feeds the lexical side; the vector comes from the store.
    stored = [Candidate(c.id, c.text, embedding=v) for c, v in zip(candidates, vectors, strict=True)]

    assert rank(QUERY, stored, encoder=encoder) == rank(QUERY, candidates, encoder=encoder)


def test_the_database_lexical_score_is_used_when_given(encoder):
    twin_text = "The unemployment rate fell to 4.1 percent in June."
    candidates = [Candidate("low", twin_text, lexical=0.2), Candidate("high", twin_text, lexical=0.9)]

    matches = rank("Unemployment dropped to 4.1% in June", candidates, encoder=encoder)

    assert [match.id for match in matches] == ["high", "low"]
    assert matches[0].score > matches[1].score


def test_without_lexical_scores_bm25_is_computed_within_the_set(encoder):
    # Same meaning to the encoder's eye is not needed: the shared rare words decide between two texts
    # that are otherwise alike.
    candidates = [
        Candidate("other-city", "Crime rose by 20 percent in Houston last year."),
        Candidate("same-city", "Crime rose by 20 percent in Chicago last year."),
    ]

    matches = rank("Chicago crime up 20 percent", candidates, encoder=encoder)

    assert matches[0].id == "same-city"


def test_ranking_is_deterministic_and_ignores_candidate_order(encoder):
    candidates = [*UNRELATED, PARAPHRASE]

    first = rank(QUERY, candidates, encoder=encoder)

    assert rank(QUERY, candidates, encoder=encoder) == first
    assert rank(QUERY, candidates[::-1], encoder=encoder) == first


def test_equal_scores_are_ordered_by_id(encoder):
    twins = [Candidate(name, "Exactly the same text.", lexical=1.0) for name in ("b", "c", "a")]

    assert [match.id for match in rank("Exactly the same text.", twins, encoder=encoder)] == ["a", "b", "c"]


def test_limit_and_empty_inputs(encoder):
    candidates = [*UNRELATED, PARAPHRASE]

    assert len(rank(QUERY, candidates, limit=2, encoder=encoder)) == 2
    assert rank(QUERY, candidates, limit=0, encoder=encoder) == []
    assert rank(QUERY, [], encoder=encoder) == []
    assert len(rank("", candidates, encoder=encoder)) == len(candidates)
    assert rank(QUERY, [Candidate("empty", "")], encoder=encoder)[0].id == "empty"


def test_a_stored_vector_of_the_wrong_size_is_an_error_that_says_to_embed_again(encoder):
    stale = Candidate("stale", "text", embedding=np.zeros(128, dtype=np.float32))

    with pytest.raises(ValueError, match="embed its text again"):
        rank(QUERY, [stale], encoder=encoder)


def test_the_fact_index_finds_the_paraphrase_among_its_records(encoder):
    facts = [{"id": c.id, "claim": c.text} for c in [*UNRELATED, PARAPHRASE]]
    facts.append({"id": 7, "claim": "Chicago's murder rate doubled.", "title": "Did Chicago murders double?"})

    index = FactIndex.build(facts, encoder=encoder)

    assert len(index) == 5
    assert index.search(QUERY, limit=1) == [Match("gitmo", index.search(QUERY)[0].score)]
    assert index.search("Have murders in Chicago doubled?", limit=3)[0].id == "7"
    assert index.search(QUERY, limit=0) == []
    assert FactIndex.build([], encoder=encoder).search(QUERY) == []


def test_the_fact_index_refuses_a_repeated_id(encoder):
    with pytest.raises(ValueError, match="appears twice"):
        FactIndex.build([{"id": "1", "claim": "a"}, {"id": 1, "claim": "b"}], encoder=encoder)


def test_the_matcher_version_names_the_encoder(encoder):
    assert MATCHER_VERSION == matcher_version(encoder)
    assert MATCHER_VERSION.endswith("+" + encoder.version)
