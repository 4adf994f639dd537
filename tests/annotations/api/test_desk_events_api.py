"""The catch-up call ``GET /api/v1/articles/{id}/events/?after=P``: roles, paging and blind mode.

Writes go through the API; the desk events they leave are numbered by calling the sequencer,
as the commit of a real request would (the test's transaction never commits).
"""

from __future__ import annotations

import pytest

from annotations.models import DeskEvent, HistoryEvent
from annotations.services.desk_events import desk_events_sequence
from tests.conftest import _client_for
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on, item_version, review_post, second_reviewer


def events_of(client, article, after=0):
    response = client.get(f"/api/v1/articles/{article.pk}/events/", {"after": after})
    assert response.status_code == 200, response.content
    return response.json()


def kinds(page: dict) -> list[tuple[str, int | None]]:
    return [(event["type"], event["item"]) for event in page["events"]]


@pytest.fixture
def blind_article(db):
    return article_with_revision(body=BODY, title="Jobs", blind_review=True)


@pytest.fixture
def claim(blind_article):
    return item_on(blind_article, SENTENCE_1)


@pytest.fixture
def alice_disputed(claim):
    """Another reviewer disputes the claim and an editor resolves it as disputed."""
    alice = second_reviewer()
    assert review_post(alice, claim, "disputed").status_code == 201
    chief = UserFactory(username="chief", role="editor")
    resolved = _client_for(chief).post(
        f"/api/v1/claims/{claim.pk}/resolve/", {"status": "disputed", "note": "May, not June."},
        format="json", HTTP_IF_MATCH=f'"{item_version(claim)}"',
    )
    assert resolved.status_code == 200, resolved.content
    desk_events_sequence()
    return claim


@pytest.mark.django_db
def test_anonymous_is_401_and_an_account_without_a_role_403(anonymous_client, blind_article):
    url = f"/api/v1/articles/{blind_article.pk}/events/"
    assert anonymous_client.get(url).status_code == 401
    assert _client_for(UserFactory(username="nobody")).get(url).status_code == 403


@pytest.mark.django_db
def test_an_editor_sees_every_event_oldest_first_with_its_payload(editor_client, alice_disputed):
    page = events_of(editor_client, alice_disputed.revision.article)

    assert kinds(page) == [("review", alice_disputed.pk), ("resolve", alice_disputed.pk), ("status", alice_disputed.pk)]
    positions = [event["position"] for event in page["events"]]
    assert positions == sorted(positions) and page["next"] == positions[-1] and page["more"] is False
    review = page["events"][0]
    assert (review["actor"], review["item_kind"], review["payload"]["verdict"]) == ("reviewer2", "claim", "disputed")
    assert review["created_at"]


@pytest.mark.django_db
def test_blind_reviewer_who_has_not_reviewed_gets_no_verdict_or_status_event_until_their_own_verdict(
    reviewer_client, viewer_client, alice_disputed
):
    article = alice_disputed.revision.article
    comment = reviewer_client.post(f"/api/v1/claims/{alice_disputed.pk}/comments/", {"body": "Source?"}, format="json")
    assert comment.status_code == 201
    desk_events_sequence()

    before_own = events_of(reviewer_client, article)
    as_viewer = events_of(viewer_client, article)

    # Only the comment: no review, resolution or status change, but the position moves past them.
    assert kinds(before_own) == kinds(as_viewer) == [("comment", alice_disputed.pk)]
    assert before_own["next"] == DeskEvent.objects.order_by("position").last().position
    assert "disputed" not in str(before_own) and "May, not June" not in str(before_own)

    assert review_post(reviewer_client, alice_disputed, "correct").status_code == 201
    desk_events_sequence()
    after_own = events_of(reviewer_client, article)

    assert kinds(after_own) == [
        ("review", alice_disputed.pk), ("resolve", alice_disputed.pk), ("status", alice_disputed.pk),
        ("comment", alice_disputed.pk), ("review", alice_disputed.pk),
    ]
    assert kinds(events_of(viewer_client, article)) == [("comment", alice_disputed.pk)]  # a viewer reviews nothing


@pytest.mark.django_db
def test_the_reviewers_own_review_event_is_shown_to_them_in_blind_mode(reviewer_client, claim):
    assert review_post(reviewer_client, claim, "correct").status_code == 201
    desk_events_sequence()

    assert kinds(events_of(reviewer_client, claim.revision.article)) == [("review", claim.pk)]


@pytest.mark.django_db
def test_status_events_are_shown_to_every_reader_once_the_article_is_published(viewer_client, editor_client,
                                                                                alice_disputed):
    article = alice_disputed.revision.article
    assert editor_client.post(f"/api/v1/articles/{article.pk}/publish/").status_code == 200
    desk_events_sequence()

    # The others' reviews stay blind; the status and its resolution are public now.
    assert kinds(events_of(viewer_client, article)) == [
        ("resolve", alice_disputed.pk), ("status", alice_disputed.pk), ("publish", None),
    ]


@pytest.mark.django_db
def test_pages_are_bounded_and_next_resumes_after_the_last_event_read(editor_client, alice_disputed, settings):
    settings.DESK_EVENTS_PAGE_SIZE = 2
    article = alice_disputed.revision.article

    first = events_of(editor_client, article)
    second = events_of(editor_client, article, after=first["next"])
    third = events_of(editor_client, article, after=second["next"])

    assert (kinds(first), first["more"]) == ([("review", alice_disputed.pk), ("resolve", alice_disputed.pk)], True)
    assert (kinds(second), second["more"]) == ([("status", alice_disputed.pk)], False)
    assert third == {"events": [], "next": second["next"], "more": False}


@pytest.mark.django_db
def test_an_event_not_yet_numbered_is_not_returned(editor_client, claim):
    article = claim.revision.article
    DeskEvent.objects.create(article=article, item=claim, kind=HistoryEvent.Action.COMMENT)

    assert events_of(editor_client, article) == {"events": [], "next": 0, "more": False}
    desk_events_sequence()
    assert kinds(events_of(editor_client, article)) == [("comment", claim.pk)]


@pytest.mark.django_db
def test_after_must_be_a_position(editor_client, blind_article):
    response = editor_client.get(f"/api/v1/articles/{blind_article.pk}/events/", {"after": "soon"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"after": ["A valid integer is required."]}
    assert editor_client.get("/api/v1/articles/999999/events/").status_code == 404


@pytest.mark.django_db
def test_catch_up_costs_four_queries_for_a_blind_reviewer(reviewer_client, alice_disputed, django_assert_num_queries):
    article = alice_disputed.revision.article
    # The token with its user and role, the article, the events with their items and actors,
    # the reader's own reviews of the items with verdict events.
    with django_assert_num_queries(4):
        page = events_of(reviewer_client, article)

    assert page["events"] == []


@pytest.mark.django_db
def test_latest_gives_the_newest_position_and_no_events(viewer_client, alice_disputed):
    article = alice_disputed.revision.article

    page = viewer_client.get(f"/api/v1/articles/{article.pk}/events/", {"latest": "true"}).json()

    assert page == {"events": [], "next": DeskEvent.objects.order_by("position").last().position, "more": False}
