"""Blind mode in the exports and the ClaimReview: no verdict for who may not see the reviews.

The rule is ``annotations.rules.visibility``'s (see ``tests/annotations/api/test_blind_status.py``
for the API's own surfaces): until the article is published, a reviewer who has not reviewed a
blind item, and a viewer, are shown it as ``unverified`` with no resolution.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from annotations.models import Item, Review
from annotations.services.publishing import article_publish
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on

NOTE = "Wrong month: it was May."
HIDDEN = {"status": "unverified", "resolution_status": "", "resolution_note": "", "status_changed_at": None}


@pytest.fixture
def disputed(db, editor) -> Item:
    article = article_with_revision(body=BODY, title="Jobs", blind_review=True)
    now = timezone.now()
    claim = item_on(
        article, SENTENCE_1, status="disputed", status_changed_at=now,
        resolution_status="disputed", resolution_note=NOTE, resolved_by=editor, resolved_at=now,
    )
    Review.objects.create(item=claim, reviewer=UserFactory(username="alice", role="reviewer"), verdict="disputed")
    item_on(article, SENTENCE_2)
    return claim


def _content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "CSV export (and ?status=disputed) as a reviewer who has not reviewed",
    "row shows unverified, no resolution or status date; the status filter matches the status shown",
)
def test_csv_export_shows_no_verdict_to_who_may_not_see_the_reviews(reviewer_client, editor_client, disputed):
    article_id = disputed.revision.article_id

    rows = list(csv.DictReader(io.StringIO(_content(reviewer_client.get("/api/v1/export/items.csv")))))
    filtered = _content(reviewer_client.get("/api/v1/export/items.csv", {"status": "disputed"}))
    unverified = list(csv.DictReader(io.StringIO(
        _content(reviewer_client.get("/api/v1/export/items.csv", {"status": "unverified", "article": article_id}))
    )))
    editor_rows = list(csv.DictReader(io.StringIO(_content(editor_client.get("/api/v1/export/items.csv")))))

    row = next(row for row in rows if row["id"] == str(disputed.pk))
    assert {name: row[name] for name in HIDDEN} == {**HIDDEN, "status_changed_at": ""}
    assert row["verdicts"] == "" and row["reviews"] == "0"
    assert NOTE not in filtered and filtered.splitlines()[1:] == []
    assert [row["text"] for row in unverified] == [SENTENCE_1, SENTENCE_2]
    assert next(row for row in editor_rows if row["id"] == str(disputed.pk))["status"] == "disputed"


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "JSON Lines export (and ?status=disputed) as a viewer",
    "record shows unverified, no resolution or status date; the status filter matches the status shown",
)
def test_jsonl_export_shows_no_verdict_to_who_may_not_see_the_reviews(viewer_client, disputed):
    records = [json.loads(line) for line in _content(viewer_client.get("/api/v1/export/items.jsonl")).splitlines()]
    filtered = _content(viewer_client.get("/api/v1/export/items.jsonl", {"status": ["correct", "disputed"]}))

    record = next(record for record in records if record["id"] == disputed.pk)
    assert {name: record[name] for name in HIDDEN} == HIDDEN
    assert record["reviews"] == []
    assert filtered == ""
    article_publish(article_id=disputed.revision.article_id, editor=UserFactory(username="chief", role="editor"))
    published = _content(viewer_client.get("/api/v1/export/items.jsonl", {"status": "disputed"})).splitlines()
    assert [json.loads(line)["status"] for line in published] == ["disputed"]


@pytest.mark.django_db
@pytest.mark.attack(
    "Blind review", "GET the ClaimReview of a disputed blind item before publication, as a viewer",
    "409 until the article is published, naming neither verdict nor note",
)
def test_item_claimreview_of_a_blind_item_waits_for_publication(viewer_client, editor_client, disputed):
    url = f"/api/v1/claims/{disputed.pk}/claimreview/"

    refused = viewer_client.get(url)
    for_editor = editor_client.get(url)
    article_publish(article_id=disputed.revision.article_id, editor=UserFactory(username="chief", role="editor"))
    released = viewer_client.get(url)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
    assert "published" in refused.json()["error"]["message"]
    assert NOTE not in refused.content.decode() and "disputed" not in refused.content.decode()
    assert for_editor.status_code == 200  # an editor sees every verdict
    assert released.status_code == 200 and released.json()["reviewBody"] == NOTE
