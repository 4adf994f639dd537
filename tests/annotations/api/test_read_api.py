"""Reading articles, claims and quotes: shapes, filters, ordering, pagination, query counts, auth."""

from __future__ import annotations

import pytest
from django.db.models import F, Value
from django.utils import timezone
from rest_framework import serializers

from annotations.api.serializers.items import ClaimSerializer, QuoteSerializer
from annotations.models import ExtractionJob, Item
from tests.factories import ItemFactory, article_with_revision

BODY = (
    "Unemployment fell to 4.1 percent in June. "
    "“We are pleased,” the minister said. "
    "Exports rose by 12 percent in 2024, the lowest since 2019."
)


def _claim(article, sentence: str, **fields) -> Item:
    start = article.current_revision.body.index(sentence)
    return ItemFactory(revision=article.current_revision, start=start, length=len(sentence), **fields)


def _quote(article, words: str, **fields) -> Item:
    start = article.current_revision.body.index(words)
    return ItemFactory(
        kind=Item.Kind.QUOTE, revision=article.current_revision, start=start, length=len(words), **fields
    )


@pytest.fixture
def article(db):
    article = article_with_revision(body=BODY, title="Jobs report")
    _claim(article, "Unemployment fell to 4.1 percent in June.", score=0.9)
    _claim(article, "Exports rose by 12 percent in 2024, the lowest since 2019.", score=0.6, status="disputed")
    _quote(article, "We are pleased,", speaker="Ann Minister", cue="said", speaker_start=55, speaker_end=67)
    return article


@pytest.mark.django_db
def test_article_detail_has_text_status_and_counts(viewer_client, article):
    response = viewer_client.get(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["text"] == BODY
    assert body["extraction"]["status"] == "queued"
    assert body["extraction"]["error"] == ""
    assert body["counts"]["claims"] == {"unverified": 1, "correct": 0, "disputed": 1, "total": 2}
    assert body["counts"]["quotes"] == {"unverified": 1, "correct": 0, "disputed": 0, "total": 1}
    assert body["revision"]["number"] == 1


@pytest.mark.django_db
def test_failed_extraction_shows_its_error(viewer_client, article):
    ExtractionJob.objects.filter(pk=article.current_job_id).update(status="failed", last_error="The page has no text.")

    body = viewer_client.get(f"/api/v1/articles/{article.pk}/").json()

    assert body["extraction"]["status"] == "failed"
    assert body["extraction"]["error"] == "The page has no text."


@pytest.mark.django_db
def test_article_claims_are_in_reading_order_and_anchored(viewer_client, article):
    response = viewer_client.get(f"/api/v1/articles/{article.pk}/claims/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [claim["score"] for claim in results] == [0.9, 0.6]
    for claim in results:
        assert BODY[claim["start"] : claim["end"]] == claim["text"]
        assert claim["article"] == article.pk and claim["kind"] == "claim"
        assert "speaker" not in claim


@pytest.mark.django_db
def test_article_quotes_carry_speaker_and_cue(viewer_client, article):
    results = viewer_client.get(f"/api/v1/articles/{article.pk}/quotes/").json()["results"]

    assert len(results) == 1
    assert results[0]["speaker"] == "Ann Minister" and results[0]["cue"] == "said"
    assert results[0]["speaker_start"] == 55


@pytest.mark.django_db
def test_article_list_filters_by_status_and_title(viewer_client, article):
    other = article_with_revision(body="Another text.", title="Weather report")
    ExtractionJob.objects.filter(pk=other.current_job_id).update(status="done")

    done = viewer_client.get("/api/v1/articles/", {"status": "done"}).json()
    jobs = viewer_client.get("/api/v1/articles/", {"search": "jobs"}).json()

    assert [a["id"] for a in done["results"]] == [other.pk]
    assert [a["id"] for a in jobs["results"]] == [article.pk]
    assert "text" not in done["results"][0]


@pytest.mark.django_db
def test_bad_filter_value_is_400(viewer_client, article):
    response = viewer_client.get("/api/v1/articles/", {"status": "sleeping"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_claims_filters_min_score_status_article_and_search(viewer_client, article):
    other = article_with_revision(body="Crime fell by 3 percent last year.")
    _claim(other, "Crime fell by 3 percent last year.", score=0.95)

    def ids(**params):
        return [c["text"] for c in viewer_client.get("/api/v1/claims/", params).json()["results"]]

    assert ids(min_score=0.8, ordering="-score") == [
        "Crime fell by 3 percent last year.",
        "Unemployment fell to 4.1 percent in June.",
    ]
    assert ids(status="disputed") == ["Exports rose by 12 percent in 2024, the lowest since 2019."]
    assert len(ids(article=other.pk)) == 1
    assert ids(search="EXPORTS") == ["Exports rose by 12 percent in 2024, the lowest since 2019."]


@pytest.mark.django_db
def test_quotes_filter_by_speaker(viewer_client, article):
    assert viewer_client.get("/api/v1/quotes/", {"speaker": "minister"}).json()["count"] == 1
    assert viewer_client.get("/api/v1/quotes/", {"speaker": "nobody"}).json()["count"] == 0


@pytest.mark.django_db
def test_claim_detail_and_unknown_id(viewer_client, article):
    claim = Item.objects.filter(kind="claim").first()

    assert viewer_client.get(f"/api/v1/claims/{claim.pk}/").json()["text"] == claim.text
    missing = viewer_client.get("/api/v1/claims/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    # A quote is not reachable as a claim.
    quote = Item.objects.get(kind="quote")
    assert viewer_client.get(f"/api/v1/claims/{quote.pk}/").status_code == 404


@pytest.mark.django_db
def test_pagination_is_bounded(viewer_client, article):
    for number in range(3):
        article_with_revision(body=f"Text {number}.")

    page = viewer_client.get("/api/v1/articles/", {"page_size": 2}).json()
    huge = viewer_client.get("/api/v1/articles/", {"page_size": 100000}).json()

    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert len(huge["results"]) == 4


@pytest.mark.django_db
def test_article_list_query_count_does_not_grow_with_articles(viewer_client, viewer, django_assert_max_num_queries):
    for number in range(30):
        article = article_with_revision(body=f"Sentence number {number} is here.")
        _claim(article, f"Sentence number {number} is here.")
    viewer_client.get("/api/v1/articles/")  # warm the role lookup and the token

    # token with user and roles + count + page + item counts: a fixed number, not one per article
    with django_assert_max_num_queries(4):
        response = viewer_client.get("/api/v1/articles/", {"page_size": 30})
    assert len(response.json()["results"]) == 30


@pytest.mark.django_db
def test_claim_list_query_count_does_not_grow_with_items(viewer_client, article, django_assert_max_num_queries):
    for number in range(20):
        other = article_with_revision(body=f"Claim number {number} is true.")
        _claim(other, f"Claim number {number} is true.")

    with django_assert_max_num_queries(3):  # token with user and roles + count + page
        response = viewer_client.get("/api/v1/claims/", {"page_size": 50})
    assert response.json()["count"] == 22


@pytest.mark.django_db
def test_anonymous_reads_are_401(anonymous_client, article):
    for path in ("/api/v1/articles/", f"/api/v1/articles/{article.pk}/", "/api/v1/claims/", "/api/v1/quotes/"):
        response = anonymous_client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_account_without_a_role_is_403_with_a_hint(article):
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    response = _client_for(UserFactory(username="nobody")).get("/api/v1/claims/")

    assert response.status_code == 403
    assert "role" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_session_login_works_for_the_api(client, viewer, article):
    client.force_login(viewer)

    assert client.get("/api/v1/articles/").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/articles/" in schema.content
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"unpkg" not in docs.content.lower()


@pytest.mark.django_db
def test_count_stops_at_the_cap_and_says_so(viewer_client, article, monkeypatch):
    from factcheck.api import pagination

    assert viewer_client.get("/api/v1/claims/").json()["count_capped"] is False
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)

    body = viewer_client.get("/api/v1/claims/", {"page_size": 1}).json()

    assert body["count"] == 1 and body["count_capped"] is True
    assert len(body["results"]) == 1


@pytest.mark.django_db
def test_unknown_or_inactive_token_is_401(viewer, article):
    from rest_framework.test import APIClient

    from tests.conftest import _client_for

    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    inactive = _client_for(viewer)
    viewer.is_active = False
    viewer.save()

    assert bogus.get("/api/v1/articles/").status_code == 401
    assert inactive.get("/api/v1/articles/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("serializer_class", [ClaimSerializer, QuoteSerializer])
def test_item_answers_match_drf_field_by_field(serializer_class, article, reviewer):
    """The serializers write items by hand for speed; DRF's own field machinery is the reference."""
    Item.objects.filter(kind=Item.Kind.CLAIM, score=0.9).update(
        assigned_to=reviewer, resolution_status="correct", resolution_note="Checked: ✓",
        resolved_at=timezone.now(), status_changed_at=timezone.now(), score=None, facets={"numbers": ["4.1"]},
    )
    # status_shown as selectors.items_as_seen_by sets it for a reader who sees every status (the
    # hidden case is tests/annotations/api/test_blind_status.py's).
    items = list(
        Item.objects.annotate(article_id=F("revision__article_id"), status_shown=Value(True))
        .select_related("assigned_to")
    )
    assert {item.assigned_to_id for item in items} == {None, reviewer.pk}

    for item in items:
        serializer = serializer_class(item)
        assert serializer.data == serializers.ModelSerializer.to_representation(serializer, item)
