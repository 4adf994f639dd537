"""The article list in Chromium on a phone: sorted by keyboard alone, the active sort said in
words, a failed extraction explained with a way to the article, and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import ArticleRevision, ExtractionJob
from tests.e2e.conftest import screenshot
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def list_page(new_page):
    """Three articles added on three days by an editor with a long name, one whose page could not
    be fetched (a long error with a URL), and a reviewer's phone showing the list."""
    editor = UserFactory(username="erin.editor-with-a-long-name", role="editor")
    now = timezone.now()
    for days_ago, title in [(1, "Zoning plan approved after a long night of council debate"),
                            (3, "Airport delays."), (2, "Budget vote")]:
        article = article_with_revision(
            body=BODY, title=title, added_by=editor, created_at=now - dt.timedelta(days=days_ago)
        )
        ArticleRevision.objects.filter(article=article).update(created_at=article.created_at)  # never revised
        item_on(article, SENTENCE_1)
    failed = article_with_revision(body=BODY, title="Harbour report", added_by=editor, created_at=now)
    ExtractionJob.objects.filter(pk=failed.current_job_id).update(
        status="failed",
        last_error="Could not fetch https://news.example.org/2026/12/harbour-report-with-a-long-path: HTTP 404",
    )
    page = new_page(UserFactory(username="rita", role="reviewer"), width=390, height=800)
    page.goto("/review/")
    return page


def _titles(page) -> list[str]:
    return page.locator("table.articles tbody tr td[data-label='Title'] a").all_inner_texts()


def _tab_to(page, element_id: str) -> None:
    """Press Tab until ``element_id`` has the focus, as a keyboard user would reach it."""
    for _ in range(30):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} is not reached by Tab within 30 presses: is it focusable?")


def test_a_reviewer_sorts_the_list_by_keyboard_on_a_phone_without_scrolling_sideways(list_page):
    page = list_page
    expect(page.locator("#list-sorted")).to_have_text(re.compile(r"Sorted by: newest first\."))
    assert _titles(page)[0] == "Harbour report"
    failure = page.locator("tr", has_text="Harbour report").locator(".job-error")
    expect(failure).to_contain_text("Extraction failed: Could not fetch https://news.example.org/")
    expect(failure.get_by_role("link", name="Open the article to retry")).to_be_visible()
    screenshot(page, "article-list-failure-phone")

    _tab_to(page, "sort")
    page.keyboard.press("ArrowDown")  # newest -> oldest
    expect(page.locator("#sort")).to_have_value("oldest")
    page.keyboard.press("Tab")  # to "Show"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]sort=oldest(&|$)"))
    expect(page.locator("#list-sorted")).to_have_text(re.compile(r"Sorted by: oldest first\."))
    assert _titles(page) == ["Airport delays.", "Budget vote",
                             "Zoning plan approved after a long night of council debate", "Harbour report"]
    assert page.locator("th[aria-sort='ascending']").inner_text() == "Added"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the list scrolls sideways by {overflow}px at 390 px"

    _tab_to(page, "sort")
    for _ in range(2):
        page.keyboard.press("ArrowDown")  # oldest -> title -> most unverified
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the "Show" button, pressed with the space bar this time
    expect(page.locator("#list-sorted")).to_have_text(re.compile(r"Sorted by: most unverified\."))
    assert _titles(page)[-1] == "Harbour report"  # no items: nothing unverified
