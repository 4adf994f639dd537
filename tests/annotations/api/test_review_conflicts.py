"""Which changes make a review stale: never another reviewer's review, always a change of the item itself."""

from __future__ import annotations

import pytest
from django.test import override_settings

from annotations.models import HistoryEvent, Item, Review
from tests.conftest import _client_for
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on, item_version, review_post, second_reviewer


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.fixture
def claim(article) -> Item:
    return item_on(article, SENTENCE_1, score=0.9)


@pytest.mark.django_db
def test_another_reviewers_review_does_not_make_mine_stale(reviewer_client, claim):
    first = review_post(second_reviewer(), claim, "disputed", version=1)
    mine = review_post(reviewer_client, claim, "correct", version=1)  # read before their review

    assert first.status_code == 201 and first["ETag"] == '"2"'
    assert mine.status_code == 201, mine.content
    assert mine["ETag"] == '"3"'
    assert sorted(Review.objects.filter(item=claim, is_current=True).values_list("verdict", flat=True)) == [
        "correct", "disputed",
    ]
    assert Item.objects.get(pk=claim.pk).status == "disputed"  # the policy saw both verdicts


@pytest.mark.django_db
@override_settings(REVIEW_QUORUM=2)
def test_a_review_after_quorum_moved_the_status_is_not_stale(reviewer_client, claim):
    # Two reviews reach the quorum (the status moves in the same write); a third reviewer read version 1.
    for name in ("anna", "bert"):
        other = _client_for(UserFactory(username=name, role="reviewer"))
        assert review_post(other, claim, "correct").status_code == 201
    assert Item.objects.get(pk=claim.pk).status == "correct"

    third = review_post(reviewer_client, claim, "correct", version=1)

    assert third.status_code == 201, third.content
    assert item_version(claim) == 4
    assert HistoryEvent.objects.filter(item=claim, action="review").count() == 3


@pytest.mark.django_db
def test_my_own_review_from_another_tab_does_not_make_the_next_one_stale(reviewer_client, claim):
    assert review_post(reviewer_client, claim, "disputed", version=1).status_code == 201

    again = review_post(reviewer_client, claim, "correct", version=1)

    assert again.status_code == 201
    assert list(Review.objects.filter(item=claim, is_current=True).values_list("verdict", flat=True)) == ["correct"]
    assert Review.objects.filter(item=claim).count() == 2  # the first is kept, superseded


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("resolve/", {"status": "disputed", "note": "Source retracted."}),
        ("assign/", {"assignee": "reviewer"}),
        ("dismiss/", {"reason": "A headline, not a claim."}),
    ],
)
def test_a_change_of_the_item_itself_makes_a_review_stale(reviewer_client, editor_client, reviewer, claim, path, body):
    changed = editor_client.post(f"/api/v1/claims/{claim.pk}/{path}", body, format="json", HTTP_IF_MATCH='"1"')

    stale = review_post(reviewer_client, claim, "correct", version=1)

    assert changed.status_code == 200, changed.content
    assert stale.status_code == 412
    assert stale.json()["current"]["version"] == 2 and stale["ETag"] == '"2"'
    assert Review.objects.filter(item=claim).count() == 0


@pytest.mark.django_db
def test_a_change_of_the_item_among_reviews_makes_a_review_stale(reviewer_client, editor_client, claim):
    assert review_post(second_reviewer(), claim, "disputed", version=1).status_code == 201  # version 2
    moved = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/", {"start": claim.start, "end": claim.end - 1}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert moved.status_code == 200  # version 3

    read_before_the_move = review_post(reviewer_client, claim, "correct", version=2)
    read_before_both = review_post(reviewer_client, claim, "correct", version=1)
    read_after_the_move = review_post(reviewer_client, claim, "correct", version=3)

    assert read_before_the_move.status_code == read_before_both.status_code == 412
    assert read_after_the_move.status_code == 201


@pytest.mark.django_db
def test_a_version_from_the_future_or_zero_is_still_stale(reviewer_client, claim):
    assert review_post(reviewer_client, claim, "correct", version=2).status_code == 412
    assert review_post(reviewer_client, claim, "correct", version=0).status_code == 412
    assert review_post(reviewer_client, claim, "correct", version="garbage").status_code == 412
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_a_review_still_needs_if_match(reviewer_client, claim):
    assert review_post(second_reviewer(), claim, "disputed").status_code == 201

    response = review_post(reviewer_client, claim, "correct", version=False)

    assert response.status_code == 428
    assert '"2"' in response.json()["error"]["message"]


@pytest.mark.django_db
def test_the_schema_documents_that_independent_reviews_do_not_conflict(editor_client):
    schema = editor_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    review_post_operation = schema["paths"]["/api/v1/claims/{id}/reviews/"]["post"]
    if_match = next(p for p in review_post_operation["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True and "independent reviews never conflict" in if_match["description"]
    assert set(review_post_operation["responses"]) >= {"201", "412", "428"}
    resolve = schema["paths"]["/api/v1/claims/{id}/resolve/"]["post"]
    resolve_if_match = next(p for p in resolve["parameters"] if p["name"] == "If-Match")
    assert "stale one is answered 412" in resolve_if_match["description"]
