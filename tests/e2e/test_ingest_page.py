"""Adding an article in Chromium: paste, file upload, URL; the API's checks and error body, shown by field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Article, ExtractionJob
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Unemployment fell to 4.1 percent in June, the statistics office said. Exports rose by 12 percent."


@pytest.fixture
def editor_page(new_page, published_jobs):
    page = new_page(UserFactory(username="erin", role="editor"))
    page.goto("/review/")
    page.click("#ingest-link")
    expect(page.locator("h1")).to_have_text("Add an article")
    return page


def test_editor_pastes_an_article_and_lands_on_its_page_with_extraction_queued(editor_page):
    page = editor_page
    page.fill("#ingest-text", TEXT)
    page.fill("#ingest-title", "June jobs report.")  # a title ending in "." is a title
    page.fill("#ingest-publisher", "Daily Example")
    screenshot(page, "ingest-page")
    page.click("#ingest-submit")

    expect(page.locator("body[data-ready='1']")).to_be_attached()
    article = Article.objects.get()
    expect(page).to_have_url(re.compile(rf"/review/articles/{article.pk}/\?ingested=1$"))
    expect(page.locator("#status-line")).to_contain_text("extraction is queued")
    expect(page.locator("#article-title")).to_have_text("June jobs report.")
    assert (article.title, article.publisher) == ("June jobs report.", "Daily Example")
    assert article.added_by.username == "erin"
    assert article.current_job.status == ExtractionJob.Status.QUEUED


def test_the_same_text_again_links_to_the_article_already_stored(editor_page):
    editor_page.fill("#ingest-text", TEXT)
    editor_page.click("#ingest-submit")
    expect(editor_page.locator("body[data-ready='1']")).to_be_attached()
    editor_page.goto("/review/ingest/")

    editor_page.fill("#ingest-text", TEXT)
    editor_page.click("#ingest-submit")

    expect(editor_page.locator("#ingest-message")).to_contain_text("stored before")
    assert Article.objects.count() == 1


def test_errors_are_the_apis_and_are_shown_beside_their_field(editor_page):
    page = editor_page
    page.click("#ingest-submit")  # no text
    expect(page.locator("#error-text")).not_to_be_empty()
    expect(page.locator("#ingest-text")).to_have_attribute("aria-invalid", "true")

    page.check("input[name=source][value=url]")
    page.fill("#ingest-url", "ftp://example.org/file")
    page.click("#ingest-submit")
    expect(page.locator("#error-url")).to_contain_text("URL")
    expect(page.locator("#error-text")).to_be_empty()  # the earlier error cleared
    assert Article.objects.count() == 0


def test_editor_uploads_a_saved_web_page(editor_page, tmp_path):
    page_file = tmp_path / "article.html"
    page_file.write_text(
        "<html><head><title>Exports surge</title></head><body><article><h1>Exports surge</h1>"
        f"<p>{TEXT}</p><p>Imports fell by 3 percent in the same month, the office said.</p></article></body></html>"
    )
    editor_page.check("input[name=source][value=file]")
    editor_page.set_input_files("#ingest-file", str(page_file))
    editor_page.click("#ingest-submit")

    expect(editor_page.locator("body[data-ready='1']")).to_be_attached()
    article = Article.objects.get()
    assert "Unemployment fell to 4.1 percent" in article.current_revision.body


def test_a_reviewer_is_told_the_page_needs_the_editor_role(new_page):
    page = new_page(UserFactory(username="rita", role="reviewer"))
    page.goto("/review/")
    assert page.locator("#ingest-link").count() == 0

    response = page.goto("/review/ingest/")

    assert response.status == 403
    expect(page.locator("h1")).to_have_text("This page is for the editor role")
