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


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["items.csv", "items.jsonl"])
@pytest.mark.parametrize("article", [2**63, 10**30])
@pytest.mark.attack(
    "Exports", "article=2**63 (past the largest id)", "400 naming `article`, before anything is streamed",
)
def test_an_article_id_past_the_largest_id_is_400_naming_it(viewer_client, export, article):
    _reviewed_article()

    response = viewer_client.get(f"/api/v1/export/{export}", {"article": article})

    assert response.status_code == 400
    assert not response.streaming
    assert response.json() == {"error": {
        "code": "invalid",
        "message": "article: Ensure this value is less than or equal to 9223372036854775807.",
        "fields": {"article": ["Ensure this value is less than or equal to 9223372036854775807."]},
    }}


BIG_ID = 2**63


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), [
    ("get", f"/api/v1/webhooks/?page={BIG_ID}"),
    ("get", f"/api/v1/webhooks/{BIG_ID}/"),
    ("patch", f"/api/v1/webhooks/{BIG_ID}/"),
    ("delete", f"/api/v1/webhooks/{BIG_ID}/"),
    ("get", f"/api/v1/webhooks/{BIG_ID}/deliveries/?page={BIG_ID}"),
    ("get", f"/api/v1/claims/{BIG_ID}/claimreview/"),
    ("get", f"/api/v1/quotes/{BIG_ID}/claimreview/"),
    ("get", f"/api/v1/articles/{BIG_ID}/claimreview/"),
    ("get", f"/api/v1/articles/{BIG_ID}/annotations/"),
    ("post", f"/api/v1/articles/{BIG_ID}/annotations/"),
])
def test_every_integer_of_the_integrations_api_past_the_largest_id_is_a_clear_4xx(editor_client, method, url):
    editor_client.raise_request_exception = False
    body = {"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}}}

    response = getattr(editor_client, method)(url, body if method != "get" else None, format="json")

    assert 400 <= response.status_code < 500, (url, response.status_code, response.content[:300])
    assert set(response.json()["error"]) == {"code", "message", "fields"}


FORMULA_STARTS = ("=", "+", "-", "@")
SMUGGLED = [
    "4 percent;=1+1 said",  # the reported bypass: a ;-separated locale splits here
    "4 percent,=1+1 said",
    "4 percent\t@SUM(1) said",
    "4 percent; -2+3 said",
    '4 percent;"=1+1" said',
]


@pytest.mark.django_db
@pytest.mark.attack(
    "Exports", "formula after a separator in a CSV cell (`4 percent;=1+1 said`)",
    "`'` before every formula start after , ; tab or line break: no cell a formula in any locale",
)
def test_no_csv_cell_is_a_formula_whatever_the_separator_a_spreadsheet_splits_on(viewer_client):
    body = " ".join(f"{words}." for words in SMUGGLED)
    article = article_with_revision(body=body)
    for words in SMUGGLED:
        item_on(article, f"{words}.")

    csv_text = _content(viewer_client.get("/api/v1/export/items.csv"))
    jsonl_text = _content(viewer_client.get("/api/v1/export/items.jsonl"))

    # A spreadsheet in any locale: cut at the separator it uses, quotes or not, and read each cell
    # as it would (leading blanks and quotes do not stop a formula).
    for separator in (",", ";", "\t", "\n", "\r"):
        cells = [cell.lstrip(' "') for cell in csv_text.split(separator)]
        formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        assert formulas == [], f"split on {separator!r}: {formulas}"
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows[0]["text"] == "4 percent;'=1+1 said."
    assert rows[4]["text"] == "4 percent;\"'=1+1\" said."
    assert [json.loads(line)["text"] for line in jsonl_text.splitlines()] == [f"{words}." for words in SMUGGLED]
