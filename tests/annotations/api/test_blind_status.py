"""Blind mode keeps an item's verdict from whoever may not see the other reviewers' reviews.

The status an item has is what its reviews (and an editor's resolution of them) made it, so in
blind mode it is shown as ``unverified``, without ``status_changed_at`` or resolution, to a
reader who may not see those reviews (``annotations.rules.visibility``): a reviewer who has not
reviewed the item, and a viewer, until the article is published. Each surface that tells the
status is tried here (the exports and the ClaimReview in ``tests/integrations``).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from annotations.models import Item, Review
from annotations.services.publishing import article_publish
from annotations.services.review import item_resolve
from tests.conftest import _client_for
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on, item_version

# What a reader who may not see the verdicts is shown of a disputed, resolved item.
HIDDEN = {
    "status": "unverified", "status_changed_at": None,
    "resolution_status": "", "resolution_note": "", "resolved_at": None,
}
NOTE = "Wrong month: it was May."


@pytest.fixture
def blind_article(db):
    return article_with_revision(body=BODY, title="Jobs", blind_review=True)


@pytest.fixture
def disputed(blind_article, editor) -> Item:
    """A claim another reviewer disputed and an editor resolved as disputed, with a note."""
    now = timezone.now()
    claim = item_on(
        blind_article, SENTENCE_1, status="disputed", status_changed_at=now,
        resolution_status="disputed", resolution_note=NOTE, resolved_by=editor, resolved_at=now,
    )
    Review.objects.create(item=claim, reviewer=UserFactory(username="alice", role="reviewer"), verdict="disputed")
    item_on(blind_article, SENTENCE_2)  # an unverified neighbour
    return claim


def _hidden_part(body: dict) -> dict:
    return {name: body[name] for name in HIDDEN}


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "GET the item (and a stale write's 412) as a reviewer who has not reviewed it, and as a viewer",
    "status unverified, no status_changed_at, no resolution",
)
def test_item_detail_shows_no_verdict_to_who_may_not_see_the_reviews(
    reviewer_client, viewer_client, editor_client, disputed
):
    url = f"/api/v1/claims/{disputed.pk}/"

    as_reviewer = reviewer_client.get(url)
    as_viewer = viewer_client.get(url)
    as_editor = editor_client.get(url)
    stale_version = item_version(disputed) + 1  # any version but the current one is stale
    stale = reviewer_client.post(
        f"{url}reviews/", {"verdict": "correct"}, format="json", HTTP_IF_MATCH=f'"{stale_version}"'
    )

    assert as_reviewer.status_code == as_viewer.status_code == 200
    assert _hidden_part(as_reviewer.json()) == _hidden_part(as_viewer.json()) == HIDDEN
    assert NOTE not in as_reviewer.content.decode() and NOTE not in as_viewer.content.decode()
    assert stale.status_code == 412
    assert _hidden_part(stale.json()["current"]) == HIDDEN
    assert Review.objects.filter(item=disputed).count() == 1  # the stale review was not stored
    # Who may see the reviews sees the verdict: the editor, and everyone once the article is published.
    assert as_editor.json()["status"] == "disputed" and as_editor.json()["resolution_note"] == NOTE
    article_publish(article_id=disputed.revision.article_id, editor=UserFactory(username="chief", role="editor"))
    assert viewer_client.get(url).json()["status"] == "disputed"


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "list ?status=disputed (and ?ordering=status) as a reviewer who has not reviewed",
    "filtered by the status shown: not listed as disputed, listed as unverified",
)
def test_lists_and_their_status_filter_use_the_status_shown(reviewer_client, editor_client, disputed):
    article_id = disputed.revision.article_id
    paths = ["/api/v1/claims/", f"/api/v1/articles/{article_id}/claims/"]

    for path in paths:
        disputed_only = reviewer_client.get(path, {"status": "disputed"})
        unverified = reviewer_client.get(path, {"status": "unverified", "ordering": "status"})
        everything = reviewer_client.get(path)

        assert disputed_only.status_code == unverified.status_code == 200
        assert disputed_only.json()["count"] == 0 and disputed_only.json()["results"] == []
        assert unverified.json()["count"] == 2
        assert {row["text"] for row in unverified.json()["results"]} == {SENTENCE_1, SENTENCE_2}
        assert {row["status"] for row in everything.json()["results"]} == {"unverified"}
        shown = next(row for row in everything.json()["results"] if row["id"] == disputed.pk)
        assert _hidden_part(shown) == HIDDEN
        assert [row["id"] for row in editor_client.get(path, {"status": "disputed"}).json()["results"]] == [disputed.pk]


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "read the article's item counts (list and detail) as a reviewer who has not reviewed",
    "the blind item counted as unverified",
)
def test_article_counts_count_the_status_shown(reviewer_client, viewer_client, editor_client, disputed):
    article_id = disputed.revision.article_id
    hidden = {"unverified": 2, "correct": 0, "disputed": 0, "total": 2}

    for client in (reviewer_client, viewer_client):
        detail = client.get(f"/api/v1/articles/{article_id}/").json()
        listed = next(row for row in client.get("/api/v1/articles/").json()["results"] if row["id"] == article_id)
        assert detail["counts"]["claims"] == listed["counts"]["claims"] == hidden

    shown = editor_client.get(f"/api/v1/articles/{article_id}/").json()["counts"]["claims"]
    assert shown == {"unverified": 1, "correct": 0, "disputed": 1, "total": 2}


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "read the review pages' article list (counts, progress) as a reviewer who has not reviewed",
    "no disputed count, nothing reviewed; the review page's badge reads the item from the API (masked)",
)
def test_review_pages_show_no_verdict(client, reviewer, disputed):
    client.force_login(reviewer)

    response = client.get("/review/")

    assert response.status_code == 200
    row = next(row for row in response.context["rows"] if row["article"].pk == disputed.revision.article_id)
    assert row["counts"]["claims"] == {"unverified": 2, "correct": 0, "disputed": 0, "total": 2}
    assert row["progress"]["reviewed"] == 0
    page = response.content.decode()
    assert "1 disputed" not in page and "0 disputed" in page
    assert "0 of 2 items reviewed" in page


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "an editor reads a blind article (answer cached), then a reviewer who has not reviewed reads it",
    "the reviewer is answered for themselves: no cached answer about a blind article is kept",
)
def test_a_cached_answer_tells_no_reader_what_they_may_not_see(settings, reviewer_client, editor_client, disputed):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.API_READ_CACHE = True
    cache.clear()
    article_id = disputed.revision.article_id
    paths = [f"/api/v1/articles/{article_id}/", f"/api/v1/articles/{article_id}/claims/"]
    try:
        for path in paths:  # read twice: a kept answer would be served the second time
            editor_client.get(path)
            editor_client.get(path)
        detail, claims = (reviewer_client.get(path) for path in paths)
        editor_again = editor_client.get(paths[1]).json()
    finally:
        cache.clear()

    assert detail.status_code == claims.status_code == 200
    assert detail.json()["counts"]["claims"]["disputed"] == 0
    assert {row["status"] for row in claims.json()["results"]} == {"unverified"}
    assert NOTE not in claims.content.decode()
    assert {row["status"] for row in editor_again["results"]} == {"disputed", "unverified"}


@pytest.mark.django_db
def test_a_reviewer_sees_the_verdict_once_they_have_reviewed(reviewer, disputed):
    client = _client_for(reviewer)
    Review.objects.create(item=disputed, reviewer=reviewer, verdict="correct")

    body = client.get(f"/api/v1/claims/{disputed.pk}/").json()
    filtered = client.get("/api/v1/claims/", {"status": "disputed"}).json()

    assert body["status"] == "disputed" and body["resolution_note"] == NOTE
    assert [row["id"] for row in filtered["results"]] == [disputed.pk]


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "read the item's history as a reviewer who has not reviewed (the editor resolved it)",
    "no review, status or resolution event of others",
)
def test_history_shows_no_resolution_to_who_may_not_see_the_reviews(reviewer_client, editor, editor_client, disputed):
    item_resolve(item_id=disputed.pk, kind="claim", editor=editor, status="correct", note="On second look, fine.",
                 expected_version=item_version(disputed))
    url = f"/api/v1/claims/{disputed.pk}/history/"

    as_reviewer = reviewer_client.get(url)
    as_editor = editor_client.get(url).json()["results"]

    assert as_reviewer.status_code == 200
    assert {event["action"] for event in as_reviewer.json()["results"]} & {"review", "status", "resolve"} == set()
    assert "second look" not in as_reviewer.content.decode()
    assert {"resolve", "status"} <= {event["action"] for event in as_editor}


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "watch the review queue as a reviewer who has not reviewed, while others' reviews move an item",
    "the item stays in the queue, shown unverified",
)
def test_the_queue_keeps_a_blind_item_that_others_verdicts_moved(reviewer_client, disputed):
    neighbour = Item.objects.exclude(pk=disputed.pk).get(revision=disputed.revision)

    queue = reviewer_client.get("/api/v1/queue/").json()["results"]

    assert {row["id"]: row["status"] for row in queue} == {disputed.pk: "unverified", neighbour.pk: "unverified"}


@pytest.mark.django_db
def test_the_queue_of_an_open_article_leaves_out_items_others_settled(reviewer_client):
    article = article_with_revision(body=BODY, title="Jobs")
    item_on(article, SENTENCE_1, status="correct")  # settled by others: not in the queue
    open_item = item_on(article, SENTENCE_2)

    queue = reviewer_client.get("/api/v1/queue/").json()["results"]

    assert [row["id"] for row in queue] == [open_item.pk]  # not the item already settled as correct
