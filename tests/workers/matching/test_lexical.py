"""The lexical side: text preparation, index terms and BM25."""

from __future__ import annotations

from workers.matching.bm25 import Bm25Index
from workers.matching.fusion import fused_scores, lexical_share
from workers.matching.tokens import index_terms, prepare_text


def test_prepare_text_drops_links_and_splits_hashtags():
    text = "Fires spread #AustralianFires pic.twitter.com/0eJtwJyS1J https://t.co/abc and www.example.org"

    assert prepare_text(text) == "Fires spread Australian Fires and"


def test_index_terms_are_lowercased_stems_without_stopwords():
    assert index_terms("The Vaccines were tested on babies' arms") == ["vaccine", "tested", "baby", "arm"]
    assert index_terms("Trump's policies") == ["trump", "policy"]


def test_bm25_weights_rare_shared_terms_and_scores_zero_without_overlap():
    documents = [["crime", "chicago"], ["crime", "houston"], ["crime", "dallas"], ["weather", "report"]]

    scores = Bm25Index(documents).scores(["crime", "chicago"])

    assert scores[0] > scores[1] == scores[2] > 0.0 == scores[3]
    assert Bm25Index([]).scores(["x"]).shape == (0,)


def test_lexical_share_is_relative_to_the_best_and_fusion_is_monotonic():
    assert lexical_share([2.0, 1.0, -3.0, 0.0]).tolist() == [1.0, 0.5, 0.0, 0.0]
    assert lexical_share([0.0, 0.0]).tolist() == [0.0, 0.0]

    scores = fused_scores([0.9, 0.5, 0.5], [0.0, 1.0, 0.0])

    assert scores[0] > scores[2] and scores[1] > scores[2] and ((0 < scores) & (scores < 1)).all()
