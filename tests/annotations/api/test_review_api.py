"""Collaborative review over the API: verdicts, consensus, blind mode, locking, history, queue."""

from __future__ import annotations

import pytest

from annotations.models import HistoryEvent, Item, Review
from tests.factories import ItemFactory, UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on, item_version, review_post, second_reviewer


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.fixture
def claim(article) -> Item:
    return item_on(article, SENTENCE_1, score=0.9)


@pytest.mark.django_db
def test_review_without_if_match_is_428_and_changes_nothing(reviewer_client, claim):
    response = review_post(reviewer_client, claim, "correct", version=False)

    assert response.status_code == 428
    assert '"1"' in response.json()["error"]["message"]
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_stale_if_match_returns_412_with_current_state_and_keeps_first_write(reviewer_client, editor_client, claim):
    # An editor's change of the item itself (here its span) since the version read makes a review stale;
    # another reviewer's review would not (tests/annotations/api/test_review_conflicts.py).
    moved = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/", {"start": claim.start, "end": claim.end - 1}, format="json", HTTP_IF_MATCH='"1"'
    )
    stale = review_post(reviewer_client, claim, "correct", version=1)

    assert moved.status_code == 200 and moved["ETag"] == '"2"'
    assert stale.status_code == 412
    body = stale.json()
    assert body["error"]["code"] == "precondition_failed"
    assert body["current"]["version"] == 2 and body["current"]["id"] == claim.pk
    assert body["current"]["end"] == claim.end - 1
    assert stale["ETag"] == '"2"'
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_stale_if_match_on_a_quote_returns_the_quote_as_its_detail_reads(reviewer_client, article):
    start = BODY.index("We are pleased,")
    quote = ItemFactory(
        kind=Item.Kind.QUOTE, revision=article.current_revision, start=start, length=len("We are pleased,"),
        speaker="Ann Minister", cue="said",
    )
    Item.objects.filter(pk=quote.pk).update(version=2)

    stale = reviewer_client.post(
        f"/api/v1/quotes/{quote.pk}/reviews/", {"verdict": "correct"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    detail = reviewer_client.get(f"/api/v1/quotes/{quote.pk}/")
    assert stale.json()["current"] == detail.json()
    assert stale.json()["current"]["speaker"] == "Ann Minister" and stale.json()["current"]["article"] == article.pk


@pytest.mark.django_db
def test_review_with_evidence_is_stored_and_listed(reviewer_client, claim):
    evidence = [{"url": "https://stats.example.org/jobs", "title": "Labour survey", "excerpt": "4.1%"}]

    response = review_post(reviewer_client, claim, "correct", rationale="Matches the survey.", evidence=evidence)

    assert response.status_code == 201, response.content
    listed = reviewer_client.get(f"/api/v1/claims/{claim.pk}/reviews/").json()
    assert listed["hidden"] == 0
    assert listed["results"][0]["evidence"] == evidence
    assert listed["results"][0]["rationale"] == "Matches the survey."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"verdict": "maybe"}, "verdict"),
        ({"verdict": "correct", "evidence": [{"url": "javascript:alert(1)"}]}, "evidence.0.url"),
        ({"verdict": "correct", "score": 1}, "score"),
    ],
)
def test_bad_review_is_400_naming_the_field(reviewer_client, claim, payload, field):
    response = reviewer_client.post(f"/api/v1/claims/{claim.pk}/reviews/", payload, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert any(key.startswith(field.split(".")[0]) for key in response.json()["error"]["fields"]), response.json()


@pytest.mark.django_db
def test_status_follows_quorum_and_split(reviewer_client, claim):
    second = second_reviewer()

    review_post(reviewer_client, claim, "correct")
    assert Item.objects.get(pk=claim.pk).status == "unverified"
    review_post(second, claim, "correct")
    assert Item.objects.get(pk=claim.pk).status == "correct"
    review_post(second, claim, "disputed")  # second changes their mind: a split
    assert Item.objects.get(pk=claim.pk).status == "disputed"


@pytest.mark.django_db
def test_changing_a_review_keeps_the_earlier_one_in_history(reviewer_client, claim):
    review_post(reviewer_client, claim, "correct")
    review_post(reviewer_client, claim, "disputed")

    current = reviewer_client.get(f"/api/v1/claims/{claim.pk}/reviews/").json()["results"]
    everything = reviewer_client.get(f"/api/v1/claims/{claim.pk}/reviews/", {"all": "true"}).json()["results"]

    assert [r["verdict"] for r in current] == ["disputed"]
    assert [(r["verdict"], r["is_current"]) for r in everything] == [("correct", False), ("disputed", True)]


@pytest.mark.django_db
def test_editor_resolution_decides_over_reviews(reviewer_client, editor_client, claim):
    review_post(reviewer_client, claim, "disputed")
    review_post(second_reviewer(), claim, "disputed")

    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/resolve/", {"status": "correct", "note": "Checked the source."},
        format="json", HTTP_IF_MATCH=f'"{item_version(claim)}"',
    )

    assert response.status_code == 200
    assert response.json()["status"] == "correct" and response.json()["resolution_note"] == "Checked the source."
    assert Item.objects.get(pk=claim.pk).status == "correct"


@pytest.mark.django_db
def test_reviewer_cannot_resolve(reviewer_client, claim):
    response = reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/resolve/", {"status": "correct"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 403
    assert "editor" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_blind_mode_hides_others_reviews_until_you_review(reviewer_client, editor_client, article, claim):
    editor_client.patch(f"/api/v1/articles/{article.pk}/", {"blind_review": True}, format="json")
    review_post(second_reviewer(), claim, "disputed", rationale="Wrong month.")

    before = reviewer_client.get(f"/api/v1/claims/{claim.pk}/reviews/").json()
    history_before = reviewer_client.get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]
    review_post(reviewer_client, claim, "correct")
    after = reviewer_client.get(f"/api/v1/claims/{claim.pk}/reviews/").json()

    assert before == {"results": [], "hidden": 1}
    assert not [e for e in history_before if e["action"] == "review"]
    assert after["hidden"] == 0 and len(after["results"]) == 2
    assert len(editor_client.get(f"/api/v1/claims/{claim.pk}/reviews/").json()["results"]) == 2


@pytest.mark.django_db
def test_reviewer_adds_a_missed_claim_checked_against_the_text(reviewer_client, article):
    start = BODY.index(SENTENCE_2)
    url = "/api/v1/claims/"

    wrong_text = reviewer_client.post(
        url, {"article": article.pk, "start": start, "end": start + 5, "text": "Nope!"}, format="json"
    )
    outside = reviewer_client.post(url, {"article": article.pk, "start": 10, "end": 100000}, format="json")
    created = reviewer_client.post(
        url, {"article": article.pk, "start": start, "end": start + len(SENTENCE_2)}, format="json"
    )
    duplicate = reviewer_client.post(
        url, {"article": article.pk, "start": start, "end": start + len(SENTENCE_2)}, format="json"
    )

    assert wrong_text.status_code == 400 and "text" in wrong_text.json()["error"]["fields"]
    assert outside.status_code == 400
    assert created.status_code == 201, created.content
    assert created.json()["text"] == SENTENCE_2 and created.json()["origin"] == "reviewer"
    assert created["ETag"] == '"1"'
    assert duplicate.status_code == 409
    assert HistoryEvent.objects.filter(action="item_add").count() == 1


@pytest.mark.django_db
def test_reviewer_adds_a_quote_with_its_speaker(reviewer_client, article):
    start = BODY.index("We are pleased")
    speaker_start = BODY.index("the minister")

    response = reviewer_client.post(
        "/api/v1/quotes/",
        {"article": article.pk, "start": start, "end": start + len("We are pleased"), "speaker": "Ann Minister",
         "speaker_start": speaker_start, "speaker_end": speaker_start + len("the minister"), "cue": "said"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["speaker"] == "Ann Minister" and response.json()["kind"] == "quote"


@pytest.mark.django_db
def test_not_a_claim_hides_from_queue_but_keeps_the_item(reviewer_client, claim):
    response = reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/dismiss/", {"reason": "Opinion, not a fact."}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    assert response.json()["dismissed"] is True
    assert reviewer_client.get("/api/v1/queue/").json()["results"] == []
    assert reviewer_client.get(f"/api/v1/claims/{claim.pk}/").json()["dismissal_reason"] == "Opinion, not a fact."


@pytest.mark.django_db
def test_comments_thread_and_only_the_author_edits(reviewer_client, claim):
    posted = reviewer_client.post(f"/api/v1/claims/{claim.pk}/comments/", {"body": "Source?"}, format="json")
    comment_id = posted.json()["id"]

    edited = reviewer_client.patch(f"/api/v1/comments/{comment_id}/", {"body": "Which source?"}, format="json")
    other = second_reviewer().patch(f"/api/v1/comments/{comment_id}/", {"body": "Mine now"}, format="json")
    thread = reviewer_client.get(f"/api/v1/claims/{claim.pk}/comments/").json()

    assert posted.status_code == 201 and edited.status_code == 200
    assert other.status_code == 403
    assert [c["body"] for c in thread] == ["Which source?"]
    edit = HistoryEvent.objects.get(action="comment_edit")
    assert edit.before["body"] == "Source?" and edit.after["body"] == "Which source?"


@pytest.mark.django_db
def test_queue_gives_my_next_items_best_score_then_oldest(reviewer, reviewer_client, editor_client, article):
    low = item_on(article, SENTENCE_2, score=0.4)
    high = item_on(article, SENTENCE_1, score=0.9)
    other_article = article_with_revision(body="Crime fell by 3 percent.")
    someone_elses = item_on(other_article, "Crime fell by 3 percent.", score=0.99)
    UserFactory(username="reviewer2", role="reviewer")
    assigned = editor_client.post(
        f"/api/v1/claims/{someone_elses.pk}/assign/", {"assignee": "reviewer2"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert assigned.status_code == 200 and assigned.json()["assigned_to"] == "reviewer2"

    queue = reviewer_client.get("/api/v1/queue/").json()
    assert [item["id"] for item in queue["results"]] == [high.pk, low.pk]

    review_post(reviewer_client, high, "correct")  # reviewed by me: no longer in my queue
    assert [item["id"] for item in reviewer_client.get("/api/v1/queue/").json()["results"]] == [low.pk]


@pytest.mark.django_db
def test_editor_assigns_a_whole_article(editor_client, reviewer, article, claim):
    item_on(article, SENTENCE_2, score=0.2)

    response = editor_client.post(f"/api/v1/articles/{article.pk}/assign/", {"assignee": "reviewer"}, format="json")

    assert response.status_code == 200
    assert set(Item.objects.values_list("assigned_to__username", flat=True)) == {"reviewer"}
    assert HistoryEvent.objects.filter(action="assign").count() == 2


@pytest.mark.django_db
def test_assigning_to_someone_without_a_role_is_400(editor_client, claim):
    UserFactory(username="outsider")

    response = editor_client.post(
        f"/api/v1/claims/{claim.pk}/assign/", {"assignee": "outsider"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 400 and "assignee" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_publish_locks_items_until_reopened_and_both_are_recorded(editor_client, reviewer_client, article, claim):
    published = editor_client.post(f"/api/v1/articles/{article.pk}/publish/")
    locked = review_post(reviewer_client, claim, "correct")
    locked_comment = reviewer_client.post(f"/api/v1/claims/{claim.pk}/comments/", {"body": "x"}, format="json")
    twice = editor_client.post(f"/api/v1/articles/{article.pk}/publish/")
    reopened = editor_client.post(f"/api/v1/articles/{article.pk}/reopen/")
    after = review_post(reviewer_client, claim, "correct")

    assert published.status_code == 200 and published.json()["published"] is True
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "locked"
    assert locked_comment.status_code == 409
    assert twice.status_code == 409
    assert reopened.status_code == 200 and reopened.json()["published"] is False
    assert after.status_code == 201
    assert list(HistoryEvent.objects.filter(item=None).values_list("action", flat=True)) == ["publish", "reopen"]


@pytest.mark.django_db
def test_history_records_who_when_before_after_and_cannot_be_written(reviewer, reviewer_client, claim):
    review_post(reviewer_client, claim, "correct", rationale="ok")
    reviewer_client.post(f"/api/v1/claims/{claim.pk}/comments/", {"body": "Fine."}, format="json")

    history = reviewer_client.get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]

    assert [event["action"] for event in history] == ["review", "comment"]
    assert history[0]["actor"] == "reviewer" and history[0]["after"]["verdict"] == "correct"
    assert history[0]["created_at"]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(reviewer_client, method)(f"/api/v1/claims/{claim.pk}/history/").status_code == 405


@pytest.mark.django_db
def test_span_change_by_editor_needs_if_match_and_is_recorded(editor_client, claim):
    start = BODY.index("fell")

    missing = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"start": start, "end": start + 4}, format="json")
    moved = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/", {"start": start, "end": start + 4}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert missing.status_code == 428
    assert moved.status_code == 200 and moved.json()["text"] == "fell" and moved["ETag"] == '"2"'
    assert HistoryEvent.objects.get(action="span").before["text"] == SENTENCE_1


@pytest.mark.django_db
def test_agreement_endpoint(reviewer_client, article, claim):
    other = item_on(article, SENTENCE_2)
    second = second_reviewer()
    for item, first_verdict, second_verdict in ((claim, "correct", "correct"), (other, "correct", "disputed")):
        review_post(reviewer_client, item, first_verdict)
        review_post(second, item, second_verdict)

    report = reviewer_client.get("/api/v1/stats/agreement/", {"article": article.pk}).json()

    assert report["items"] == 2
    assert report["pairs"] == [{"reviewers": ["reviewer", "reviewer2"], "items": 2, "kappa": 0.0}]
    assert report["krippendorff_alpha"] is not None
    assert reviewer_client.get("/api/v1/stats/agreement/", {"article": "x"}).status_code == 400


@pytest.mark.django_db
def test_changing_a_verdict_supersedes_the_reviewers_own_review_and_counts_the_others(reviewer, claim):
    from annotations.services.review import review_submit

    other = UserFactory(username="bea", role="reviewer")
    review_submit(item_id=claim.pk, kind="claim", reviewer=other, verdict="correct", expected_version=1)
    first, item = review_submit(
        item_id=claim.pk, kind="claim", reviewer=reviewer, verdict="disputed", expected_version=2
    )
    assert item.status == "disputed"

    second, item = review_submit(
        item_id=claim.pk, kind="claim", reviewer=reviewer, verdict="correct", expected_version=3
    )

    assert item.status == "correct"  # bea's and the new verdict agree; the superseded one no longer counts
    first.refresh_from_db()
    assert (first.is_current, first.superseded_at) == (False, second.created_at)
    assert list(Review.objects.filter(item=claim, is_current=True).values_list("reviewer__username", "verdict")) == [
        ("bea", "correct"), (reviewer.username, "correct")
    ]
