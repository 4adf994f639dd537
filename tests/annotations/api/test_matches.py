"""``/claims/{id}/matches/``, the ``has_match`` filter and match feedback: roles, blind mode, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from annotations.models import ClaimMatch, FactCheck, HistoryEvent, Item, Review
from annotations.services.factchecks import factcheck_sync_from_item
from tests.factories import article_with_revision
from tests.support.desk import item_on

EARLIER = "Unemployment fell to 4.1 percent in June."
LATER = "Unemployment dropped to 4.1 percent in June."


@pytest.fixture
def imported_match(db):
    article = article_with_revision(body=f"{LATER} Nothing else.", title="Tuesday")
    claim = item_on(article, LATER)
    check = FactCheck.objects.create(
        source="imported", claim_text=EARLIER, title="Jobs figure", verdict="disputed", rating="False",
        rating_value=1, best_rating=5, worst_rating=1, publisher="Checkers", claimant="A. Minister",
        review_url="https://checks.example/1", reviewed_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    match = ClaimMatch.objects.create(item=claim, factcheck=check, score=0.91, matcher_version="m-1")
    return claim, check, match


@pytest.fixture
def desk_match(db, published_jobs, reviewer):
    """A verdict of this desk on a blind, unpublished Monday article, matched by a Tuesday claim."""
    monday = article_with_revision(body=f"{EARLIER} More.", title="Monday", blind_review=True)
    earlier = item_on(monday, EARLIER)
    Item.objects.filter(pk=earlier.pk).update(status="disputed")
    earlier.refresh_from_db()
    check = factcheck_sync_from_item(earlier)
    tuesday = article_with_revision(body=f"{LATER} More.", title="Tuesday")
    claim = item_on(tuesday, LATER)
    ClaimMatch.objects.create(item=claim, factcheck=check, score=0.88, matcher_version="m-1")
    return claim, earlier, monday


@pytest.mark.django_db
def test_a_viewer_reads_an_imported_match_with_its_rating_source_date_and_url(
    viewer_client, imported_match, django_assert_num_queries
):
    claim, check, match = imported_match

    # the token with the caller's roles (one query), the item, the latest matching run, the
    # matches with their fact-checks (one join).
    with django_assert_num_queries(4):
        response = viewer_client.get(f"/api/v1/claims/{claim.pk}/matches/")

    assert response.status_code == 200
    assert response.json() == {
        "matching": None,
        "results": [{
            "id": match.pk, "score": 0.91, "matcher_version": "m-1", "feedback": "", "feedback_by": None,
            "feedback_at": None,
            "factcheck": {
                "id": check.pk, "source": "imported", "claim": EARLIER, "title": "Jobs figure", "verdict": "disputed",
                "rating": "False", "rating_value": 1.0, "best_rating": 5.0, "worst_rating": 1.0, "rationale": "",
                "evidence": [], "publisher": "Checkers", "claimant": "A. Minister",
                "date": "2024-03-01T00:00:00Z", "url": "https://checks.example/1", "item": None, "article": None,
            },
        }],
    }


@pytest.mark.django_db
def test_anonymous_is_401(anonymous_client, imported_match):
    claim, _, _ = imported_match

    assert anonymous_client.get(f"/api/v1/claims/{claim.pk}/matches/").status_code == 401


@pytest.mark.django_db
def test_an_unpublished_blind_verdict_is_shown_only_to_who_may_see_it(
    viewer_client, reviewer_client, editor_client, reviewer, desk_match
):
    claim, earlier, monday = desk_match
    url = f"/api/v1/claims/{claim.pk}/matches/"

    hidden_from_viewer = viewer_client.get(url).json()["results"]
    hidden_from_reviewer = reviewer_client.get(url).json()["results"]
    shown_to_editor = editor_client.get(url).json()["results"]
    Review.objects.create(item=earlier, reviewer=reviewer, verdict="disputed", rationale="Wrong month.")
    shown_to_its_reviewer = reviewer_client.get(url).json()["results"]
    monday.published_at = timezone.now()
    monday.save()
    shown_once_published = viewer_client.get(url).json()["results"]

    assert hidden_from_viewer == [] and hidden_from_reviewer == []
    assert [m["factcheck"]["verdict"] for m in shown_to_editor] == ["disputed"]
    assert shown_to_editor[0]["factcheck"]["url"] == f"/api/v1/claims/{earlier.pk}/"
    assert shown_to_editor[0]["factcheck"]["article"] == monday.pk
    assert len(shown_to_its_reviewer) == 1 and len(shown_once_published) == 1


@pytest.mark.django_db
def test_has_match_filters_by_the_matches_the_reader_may_see(viewer_client, editor_client, desk_match):
    claim, earlier, _ = desk_match

    as_viewer = viewer_client.get("/api/v1/claims/?has_match=true").json()["results"]
    as_editor = editor_client.get("/api/v1/claims/?has_match=true").json()["results"]
    without = editor_client.get("/api/v1/claims/?has_match=false").json()["results"]

    assert as_viewer == []
    assert [row["id"] for row in as_editor] == [claim.pk]
    assert [row["id"] for row in without] == [earlier.pk]


@pytest.mark.django_db
def test_the_has_match_list_query_count_is_pinned(editor_client, imported_match, django_assert_num_queries):
    claim, _, _ = imported_match

    # the token with the caller's roles (one query), the count, the page (the match is an EXISTS
    # inside both).
    with django_assert_num_queries(3):
        response = editor_client.get("/api/v1/claims/?has_match=true")

    assert [row["id"] for row in response.json()["results"]] == [claim.pk]


@pytest.mark.django_db
def test_a_viewer_cannot_give_feedback(viewer_client, imported_match):
    claim, _, match = imported_match

    response = viewer_client.post(
        f"/api/v1/claims/{claim.pk}/matches/{match.pk}/feedback/", {"feedback": "reject"}, format="json"
    )

    assert response.status_code == 403
    assert ClaimMatch.objects.get(pk=match.pk).feedback == ""


@pytest.mark.django_db
def test_a_rejected_match_is_recorded_in_history_and_never_shown_again(reviewer_client, reviewer, imported_match):
    claim, check, match = imported_match

    response = reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/matches/{match.pk}/feedback/", {"feedback": "reject"}, format="json"
    )
    after = reviewer_client.get(f"/api/v1/claims/{claim.pk}/matches/").json()["results"]

    assert response.status_code == 200
    assert (response.json()["feedback"], response.json()["feedback_by"]) == ("rejected", reviewer.username)
    assert after == []
    event = HistoryEvent.objects.get(item=claim, action="match_feedback")
    assert event.actor_id == reviewer.pk
    assert event.after == {"match": match.pk, "factcheck": check.pk, "feedback": "rejected", "score": 0.91}
    history = reviewer_client.get(f"/api/v1/claims/{claim.pk}/history/").json()
    assert "match_feedback" in str(history)


@pytest.mark.django_db
def test_confirm_keeps_the_match_listed_and_bad_feedback_is_400(reviewer_client, imported_match):
    claim, _, match = imported_match
    url = f"/api/v1/claims/{claim.pk}/matches/{match.pk}/feedback/"

    confirmed = reviewer_client.post(url, {"feedback": "confirm"}, format="json")
    bad = reviewer_client.post(url, {"feedback": "maybe"}, format="json")
    unknown = reviewer_client.post(url, {"feedback": "confirm", "extra": 1}, format="json")
    other_item = reviewer_client.post(
        f"/api/v1/claims/{claim.pk + 1000}/matches/{match.pk}/feedback/", {"feedback": "confirm"}, format="json"
    )

    assert confirmed.status_code == 200 and confirmed.json()["feedback"] == "confirmed"
    assert bad.status_code == 400 and "feedback" in bad.json()["error"]["fields"]
    assert unknown.status_code == 400
    assert other_item.status_code == 404 and other_item.json()["error"]["code"] == "not_found"
    listed = reviewer_client.get(f"/api/v1/claims/{claim.pk}/matches/").json()["results"]
    assert [m["feedback"] for m in listed] == ["confirmed"]
