"""POST /api/v1/articles/: ingestion of text, HTML and URLs, and every way input can be bad."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from annotations.models import Article, ArticleRevision, ExtractionJob

URL = "/api/v1/articles/"
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "000_f2193cdbfc58450b.txt"

# The shape of the founding example: a pasted page with a caption, a photo credit, an ad slot
# and a navigation trailer around the article (written here, so the suite needs no ../shared).
PASTED_PAGE = """Minister and envoy discuss air defence

By Example Newswire

A stale caption about a Patriot system that belongs to another story.
Photo: Example Armed Forces.

The minister met the special envoy in Kyiv on Monday to discuss air defence.

\u00a0

“We are grateful for all the support,” the minister stated.

\u00a0

assured version a 300x600 1

Russia launched over 330 missiles in June, the ministry said.

Tags:

Related news & articles

Latest news

Featured
"""


def _post(client, body, **kwargs):
    return client.post(URL, body, format="json", **kwargs)


@pytest.mark.django_db(transaction=True)
def test_post_text_stores_cleaned_body_and_publishes_job_after_commit(editor_client, published_jobs):
    response = _post(editor_client, {"text": PASTED_PAGE})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["extraction"]["status"] == "queued"
    assert body["title"] == "Minister and envoy discuss air defence"
    assert body["byline"] == "Example Newswire"
    assert response["Location"].endswith(f"/api/v1/articles/{body['id']}/")
    stored = ArticleRevision.objects.get(article_id=body["id"]).body
    assert body["text"] == stored
    for junk in ("Photo:", "300x600", "Tags:", "Related news", "Latest news", "Featured", "\u00a0"):
        assert junk not in stored, f"{junk!r} should have been cleaned out of the stored body"
    # A caption is content (a misattributed photo is caught there): its credit goes, it stays.
    assert "\n\nA stale caption about a Patriot system that belongs to another story.\n\n" in stored
    assert "“We are grateful for all the support,” the minister stated." in stored
    job = ExtractionJob.objects.get(article_id=body["id"])
    assert published_jobs == [job.pk]
    assert job.enqueued_at is not None


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside the project")
@pytest.mark.django_db
def test_seed_article_is_stored_without_its_page_junk(editor_client, published_jobs):
    response = _post(editor_client, {"text": SEED.read_text(encoding="utf-8")})

    assert response.status_code == 201
    text = response.json()["text"]
    assert text.startswith("Zelenskyy and U.S. Special Envoy Kellogg discuss")
    assert "300x600" not in text and "Tags:" not in text and "Photo:" not in text
    assert "over 330 missiles" in text
    assert "will deploy a Patriot air defence system to Lithuania" in text  # the photo's caption
    assert text.rstrip().endswith("Source: President of Ukraine")


@pytest.mark.django_db
def test_same_content_posted_again_returns_existing_article_with_200(editor_client, published_jobs):
    first = _post(editor_client, {"text": PASTED_PAGE})
    # Different junk and spacing around the same article body is the same content.
    again = _post(editor_client, {"text": PASTED_PAGE.replace("Featured", "Most read") + "\n\n"})

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1
    assert ExtractionJob.objects.count() == 1


@pytest.mark.django_db
def test_post_html_takes_main_text_and_metadata_from_the_page(editor_client, published_jobs):
    html = """<html lang="en"><head><title>Jobless rate falls | Example Times</title>
    <meta name="author" content="Jane Roe">
    <meta property="article:published_time" content="2025-07-10T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <article><h1>Jobless rate falls</h1>
    <p>The minister said on Monday that unemployment fell to 4.1 percent in June, the lowest level
    since 2019, according to figures from the national statistics office.</p>
    <p>"We are pleased with the progress," she told reporters at the ministry in the capital.</p>
    </article><footer>Copyright Example Times</footer></body></html>"""

    response = _post(editor_client, {"html": html})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Jobless rate falls"
    assert body["byline"] == "Jane Roe"
    assert body["published_date"] == "2025-07-10"
    assert body["language"] == "en"
    assert "unemployment fell to 4.1 percent" in body["text"]
    assert "Copyright" not in body["text"] and "Home" not in body["text"]


@pytest.mark.django_db
def test_post_url_creates_article_whose_job_will_fetch_it(editor_client, published_jobs):
    response = _post(editor_client, {"url": "https://news.example.org/story?id=7#top"})

    assert response.status_code == 201
    body = response.json()
    assert body["extraction"]["status"] == "queued"
    assert body["revision"] is None and body["text"] == ""
    job = ExtractionJob.objects.get(article_id=body["id"])
    assert job.source_url == "https://news.example.org/story?id=7#top" and job.revision is None
    again = _post(editor_client, {"url": "HTTPS://NEWS.example.org/story?id=7"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "text", "invalid"),
        ({"title": "No text"}, "text", "invalid"),
        ({"text": ""}, "text", "invalid"),
        ({"text": "   \n\n  "}, "text", "empty"),
        ({"text": "Tags:\n\nRelated news & articles\n"}, "text", "empty"),
        ({"text": "Some words.", "colour": "red"}, "colour", "invalid"),
        ({"text": "Some words.", "html": "<p>x</p>"}, "text", "invalid"),
        ({"url": "ftp://example.org/file"}, "url", "invalid"),
        ({"url": "not a url"}, "url", "invalid"),
        ({"text": "Some words.", "published_date": "yesterday"}, "published_date", "invalid"),
        ({"html": "<html><body></body></html>"}, "html", "empty"),
    ],
)
def test_bad_payload_is_400_naming_the_field_and_stores_nothing(editor_client, published_jobs, payload, field, code):
    response = _post(editor_client, payload)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"], error
    assert error["message"]
    assert Article.objects.count() == 0
    assert published_jobs == []


@pytest.mark.django_db
def test_malformed_json_is_400_with_the_error_shape(editor_client):
    response = editor_client.post(URL, data=b'{"text": "unterminated', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert "Malformed JSON" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_json_that_is_not_an_object_is_400(editor_client):
    response = editor_client.post(URL, data=b'["text"]', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.django_db
def test_wrong_content_type_is_415(editor_client):
    response = editor_client.post(URL, data="text=hello", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.django_db
@override_settings(ARTICLE_MAX_REQUEST_BYTES=1000)
def test_body_over_the_limit_is_413_and_stores_nothing(editor_client):
    response = _post(editor_client, {"text": "word " * 500})

    assert response.status_code == 413
    assert "1000 bytes" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_non_utf8_body_is_400(editor_client):
    response = editor_client.post(URL, data='{"text": "caf\xe9"}'.encode("latin-1"), content_type="application/json")

    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_binary_and_invalid_characters_in_html_are_handled_without_500(editor_client, published_jobs):
    # A lone surrogate and NUL bytes arrive through JSON escapes; PostgreSQL cannot store NUL.
    html = "<html><body><article><p>" + "The council approved a budget of 12 million euros. \\u0000 \\ud800 " * 6
    raw = ('{"html": "' + html + '</p></article></body></html>"}').encode()

    response = editor_client.post(URL, data=raw, content_type="application/json")

    assert response.status_code == 201, response.content
    text = response.json()["text"]
    assert "\x00" not in text and "12 million euros" in text


@pytest.mark.django_db
def test_nul_in_pasted_text_is_a_clear_400(editor_client):
    response = editor_client.post(URL, data=b'{"text": "A\\u0000B"}', content_type="application/json")

    assert response.status_code == 400
    assert "Null characters" in response.json()["error"]["fields"]["text"][0]


@pytest.mark.django_db
def test_anonymous_post_is_401(anonymous_client):
    response = _post(anonymous_client, {"text": "Some words."})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
@pytest.mark.parametrize("role_client", ["reviewer_client", "viewer_client"])
def test_only_editors_ingest(request, role_client):
    response = _post(request.getfixturevalue(role_client), {"text": "Some words."})

    assert response.status_code == 403
    assert Article.objects.count() == 0


@pytest.fixture(params=["OperationalError", "InterfaceError"])
def database_dies_after_ingest(monkeypatch, request):
    """The database goes away right after the ingest committed: the read-back of the article,
    and every query after it, raise what psycopg raises for a lost (or closed) connection."""
    from django import db
    from django.db import connection

    from annotations import selectors

    lost = getattr(db, request.param)("server closed the connection unexpectedly")

    def refuse(execute, sql, params, many, context):
        raise lost

    def article_detail_on_a_dead_database():
        connection.execute_wrappers.append(refuse)
        raise lost

    monkeypatch.setattr(selectors, "article_detail", article_detail_on_a_dead_database)
    yield
    if refuse in connection.execute_wrappers:
        connection.execute_wrappers.remove(refuse)


@pytest.mark.django_db
@pytest.mark.attack(
    "Outages", "PostgreSQL gone after an article POST committed", "201 with what was stored, not a 500 that lies"
)
def test_a_committed_ingest_answers_what_was_stored_when_reading_it_back_fails(
    editor_client, published_jobs, database_dies_after_ingest
):
    response = _post(editor_client, {"text": PASTED_PAGE, "publisher": "Example Newswire"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/articles/{body['id']}/")
    from django.db import connection

    connection.execute_wrappers.clear()  # the database is back: compare with what it holds
    article = Article.objects.get(pk=body["id"])
    revision = ArticleRevision.objects.get(article=article)
    job = ExtractionJob.objects.get(article=article)
    assert body["title"] == "Minister and envoy discuss air defence" == article.title
    assert body["publisher"] == "Example Newswire" and body["added_by"] == "editor"
    assert body["text"] == revision.body
    assert body["revision"]["id"] == revision.pk and body["revision"]["number"] == 1
    assert body["extraction"]["job"] == job.pk and body["extraction"]["status"] == "queued"
    empty = {"unverified": 0, "correct": 0, "disputed": 0, "total": 0}
    assert body["counts"] == {"claims": empty, "quotes": empty}


@pytest.mark.django_db
@pytest.mark.attack("API input types", '{"text": 123} and other non-strings in string fields', "400 naming the field")
@pytest.mark.parametrize(
    "payload",
    [
        {"text": 123},
        {"text": 4.5},
        {"text": True},
        {"text": "Some words.", "title": 7},
        {"text": "Some words.", "publisher": False},
        {"url": 12345},
        {"html": 1},
    ],
)
def test_a_non_string_in_a_string_field_is_400_and_stores_nothing(editor_client, published_jobs, payload):
    response = _post(editor_client, payload)

    assert response.status_code == 400, response.content
    field = next(name for name, value in payload.items() if not isinstance(value, str))
    assert response.json()["error"]["fields"] == {field: ["Not a valid string."]}
    assert Article.objects.count() == 0
    assert published_jobs == []
