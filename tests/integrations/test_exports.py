"""CSV and JSON Lines export of items with status, reviews and evidence: streamed, bounded queries."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotations.models import Review
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, QUOTE, SENTENCE_1, SENTENCE_2, item_on


def _content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def _reviewed_article(n: int = 0):
    article = article_with_revision(body=BODY, title=f"Jobs {n}", source_url=f"https://news.example.com/{n}")
    claim = item_on(article, SENTENCE_1, status="correct")
    item_on(article, SENTENCE_2)
    quote = item_on(article, QUOTE, kind="quote", speaker="the minister", status="disputed")
    for name, verdict in (("alice", "correct"), ("bob", "correct")):
        evidence = [{"url": f"https://stats.example.org/{name}", "title": "", "excerpt": ""}]
        reviewer = UserFactory(username=name, role="reviewer")
        Review.objects.create(
            item=claim, reviewer=reviewer, verdict=verdict, rationale=f"{name} checked", evidence=evidence
        )
    Review.objects.create(item=quote, reviewer=UserFactory(username="alice"), verdict="disputed", is_current=False)
    return article


@pytest.mark.django_db
def test_csv_export_streams_one_row_per_item_with_verdicts_and_evidence(viewer_client):
    article = _reviewed_article()

    response = viewer_client.get("/api/v1/export/items.csv", {"article": article.pk}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_content(response))))
    assert [row["text"] for row in rows] == [SENTENCE_1, SENTENCE_2, QUOTE]
    assert rows[0]["status"] == "correct" and rows[0]["reviews"] == "2"
    assert rows[0]["verdicts"] == "alice: correct; bob: correct"
    assert rows[0]["evidence_urls"] == "https://stats.example.org/alice https://stats.example.org/bob"
    assert rows[2]["speaker"] == "the minister" and rows[2]["reviews"] == "0"  # superseded reviews are left out


@pytest.mark.django_db
def test_jsonl_export_nests_reviews_and_evidence(viewer_client):
    article = _reviewed_article()

    response = viewer_client.get("/api/v1/export/items.jsonl", {"article": article.pk, "kind": "claim"})

    assert response["Content-Type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in _content(response).splitlines()]
    assert [record["kind"] for record in records] == ["claim", "claim"]
    assert records[0]["article_url"] == "https://news.example.com/0"
    assert records[0]["reviews"][1]["reviewer"] == "bob"
    assert records[0]["reviews"][1]["evidence"] == [
        {"url": "https://stats.example.org/bob", "title": "", "excerpt": ""}
    ]


@pytest.mark.django_db
def test_status_filter_is_repeatable(viewer_client):
    _reviewed_article()

    response = viewer_client.get("/api/v1/export/items.jsonl?status=correct&status=disputed")

    assert sorted(json.loads(line)["status"] for line in _content(response).splitlines()) == ["correct", "disputed"]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "field"), [("kind=opinion", "kind"), ("status=maybe", "status"), ("page=2", "page")])
def test_bad_filter_is_400_naming_it(viewer_client, db, query, field):
    response = viewer_client.get(f"/api/v1/export/items.csv?{query}")

    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["error"]["fields"]), response.json()


@pytest.mark.django_db
def test_spreadsheet_formulas_are_neutralised_in_csv_only(viewer_client):
    article = article_with_revision(body="=HYPERLINK(1) is what it said. Other words follow here.")
    item_on(article, "=HYPERLINK(1) is what it said.")

    csv_text = _content(viewer_client.get("/api/v1/export/items.csv"))
    jsonl_text = _content(viewer_client.get("/api/v1/export/items.jsonl"))

    assert "'=HYPERLINK(1)" in csv_text
    assert json.loads(jsonl_text)["text"].startswith("=HYPERLINK")


@pytest.mark.django_db
def test_export_costs_the_same_queries_for_many_articles(viewer_client, django_assert_num_queries):
    for n in range(12):
        _reviewed_article(n)

    # Token with user and roles, the items (one chunk), their current reviews with reviewers.
    with django_assert_num_queries(3):
        lines = _content(viewer_client.get("/api/v1/export/items.jsonl")).splitlines()

    assert len(lines) == 36


@pytest.mark.django_db
def test_export_needs_a_role(anonymous_client, db):
    assert anonymous_client.get("/api/v1/export/items.csv").status_code == 401
