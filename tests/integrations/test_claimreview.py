"""ClaimReview (schema.org JSON-LD) for resolved claims and quotes, and for a published article."""

from __future__ import annotations

import pytest
from django.test import override_settings

from annotations.services.publishing import article_publish
from tests.support.desk import QUOTE, SENTENCE_1, SENTENCE_2, item_on

# schema.org ClaimReview as Google's fact-check guide reads it: required, then recommended.
REQUIRED = {"@type", "claimReviewed", "reviewRating", "url", "author"}
RECOMMENDED = {"datePublished", "itemReviewed"}
RATING_KEYS = {"@type", "ratingValue", "bestRating", "worstRating", "alternateName", "textualRating"}


def assert_claimreview_shape(review: dict) -> None:
    """Required and recommended properties with their types, so a consumer can rely on them."""
    missing = (REQUIRED | RECOMMENDED) - set(review)
    assert not missing, f"ClaimReview lacks {missing}: add them in integrations/services/claimreview.py"
    assert review["@type"] == "ClaimReview"
    assert isinstance(review["claimReviewed"], str) and review["claimReviewed"]
    assert review["url"].startswith("http")
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and RATING_KEYS <= set(rating)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["appearance"]["@type"] == "CreativeWork"
    assert len(review["datePublished"]) == 10  # an ISO 8601 date


@pytest.mark.django_db
def test_resolved_claim_has_a_claimreview_with_the_required_properties(viewer_client, article):
    claim = item_on(article, SENTENCE_1, status="correct", facets={"speaker": "the statistics office"})

    response = viewer_client.get(f"/api/v1/claims/{claim.pk}/claimreview/")

    assert response.status_code == 200, response.content
    review = response.json()
    assert review["@context"] == "https://schema.org"
    assert_claimreview_shape(review)
    assert review["claimReviewed"] == SENTENCE_1
    assert review["reviewRating"]["alternateName"] == "Correct" and review["reviewRating"]["ratingValue"] == 5
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "the statistics office"}
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example.com/jobs"
    assert review["url"].endswith(f"/api/v1/claims/{claim.pk}/")


@pytest.mark.django_db
def test_disputed_quote_names_its_speaker_as_the_claims_author(viewer_client, article):
    quote = item_on(article, QUOTE, kind="quote", speaker="the minister", status="disputed")

    review = viewer_client.get(f"/api/v1/quotes/{quote.pk}/claimreview/").json()

    assert_claimreview_shape(review)
    assert review["itemReviewed"]["author"]["name"] == "the minister"
    assert review["reviewRating"]["textualRating"] == "Disputed" and review["reviewRating"]["ratingValue"] == 1


@pytest.mark.django_db
def test_unverified_claim_is_409_saying_to_review_it_first(viewer_client, article):
    claim = item_on(article, SENTENCE_1)

    response = viewer_client.get(f"/api/v1/claims/{claim.pk}/claimreview/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "unverified" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_unknown_claim_is_404_in_the_one_error_shape(viewer_client, db):
    response = viewer_client.get("/api/v1/claims/999999/claimreview/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_rating_scale_and_desk_come_from_settings(viewer_client, article):
    claim = item_on(article, SENTENCE_1, status="disputed")
    ratings = {"disputed": {"ratingValue": 2, "bestRating": 7, "worstRating": 1, "textualRating": "Misleading"}}

    with override_settings(
        CLAIMREVIEW_RATINGS=ratings,
        CLAIMREVIEW_ORGANIZATION_NAME="Example Checks",
        CLAIMREVIEW_ORGANIZATION_URL="https://checks.example.org",
        CLAIMREVIEW_URL_TEMPLATE="https://checks.example.org/{kind}/{id}",
    ):
        review = viewer_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()

    assert review["reviewRating"] == {
        "@type": "Rating", "ratingValue": 2, "bestRating": 7, "worstRating": 1,
        "textualRating": "Misleading", "alternateName": "Misleading",
    }
    assert review["author"] == {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example.org"}
    assert review["url"] == f"https://checks.example.org/claim/{claim.pk}"


@pytest.mark.django_db
def test_published_article_lists_a_claimreview_per_resolved_item(viewer_client, editor, article):
    correct = item_on(article, SENTENCE_1, status="correct")
    item_on(article, SENTENCE_2)  # unverified: no review to publish
    disputed = item_on(article, QUOTE, kind="quote", speaker="the minister", status="disputed")
    article_publish(article_id=article.pk, editor=editor)

    response = viewer_client.get(f"/api/v1/articles/{article.pk}/claimreview/")

    assert response.status_code == 200, response.content
    graph = response.json()["@graph"]
    assert [review["claimReviewed"] for review in graph] == [correct.text, disputed.text]
    for review in graph:
        assert_claimreview_shape(review)
        assert "@context" not in review  # one context for the whole graph


@pytest.mark.django_db
def test_unpublished_article_claimreview_is_409(viewer_client, article):
    item_on(article, SENTENCE_1, status="correct")

    response = viewer_client.get(f"/api/v1/articles/{article.pk}/claimreview/")

    assert response.status_code == 409
    assert "Publish it first" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_claimreview_needs_an_account_with_a_role(anonymous_client, article):
    claim = item_on(article, SENTENCE_1, status="correct")

    assert anonymous_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
@pytest.mark.attack(
    "ClaimReview JSON-LD", "</script><script>…, & and > in an article's title and an item's text",
    "emitted as \\u003c \\u003e \\u0026: safe inside <script type=application/ld+json>, same data",
)
def test_claimreview_escapes_what_would_close_a_script_element(viewer_client, editor, accept):
    from tests.factories import article_with_revision

    words = "Rates </script><script>alert(1)</script> fell & rose > 3."
    article = article_with_revision(body=f"{words} The rest.", title="Jobs </script> & more")
    item = item_on(article, words, status="correct")
    article_publish(article_id=article.pk, editor=editor)

    responses = [
        viewer_client.get(f"/api/v1/articles/{article.pk}/claimreview/", HTTP_ACCEPT=accept),
        viewer_client.get(f"/api/v1/claims/{item.pk}/claimreview/", HTTP_ACCEPT=accept),
    ]

    for response in responses:
        assert response.status_code == 200, response.content
        raw = response.content.decode("utf-8")
        assert not {"<", ">", "&"} & set(raw), raw
        assert "\\u003c/script\\u003e" in raw and "\\u0026" in raw
    import json

    graph, single = (json.loads(response.content) for response in responses)
    assert graph["@graph"][0]["claimReviewed"] == words == single["claimReviewed"]
    assert single["itemReviewed"]["appearance"]["headline"] == "Jobs </script> & more"
