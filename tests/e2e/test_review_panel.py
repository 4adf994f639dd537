"""The selected item's panel in words: facets as text, no model hash or version for reviewers,
times in one form whatever the browser's locale, evidence with its excerpt, history without
empty lines."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Review
from tests.e2e.conftest import item_settled
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Unemployment fell to 4.1 percent in June, the statistics office said."
SENTENCE = "Unemployment fell to 4.1 percent in June"


@pytest.fixture
def item(db):
    article = article_with_revision(body=BODY, title="Jobs")
    return ItemFactory(
        revision=article.current_revision, start=0, length=len(SENTENCE), score=0.8,
        facets={"numbers": ["4.1 percent", "June"], "has_source": True}, extractor_version="rules-8+encoder-c539ab89",
    )


def _open(page, item) -> None:
    page.goto(f"/review/articles/{item.revision.article_id}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_have_text(f"Claim {item.pk}")
    item_settled(page)


def test_a_reviewer_reads_facets_in_words_and_saves_evidence_with_its_excerpt(new_page, item):
    reviewer = UserFactory(username="rita", role="reviewer")
    page = new_page(reviewer)
    page.context.set_extra_http_headers({"Accept-Language": "en-US"})
    _open(page, item)

    facts = page.locator("#item-facts")
    expect(facts).to_contain_text("Numbers4.1 percent, June")
    expect(facts).to_contain_text("Has sourceyes")
    expect(facts).not_to_contain_text("[")
    expect(facts).not_to_contain_text("Version")
    expect(facts).not_to_contain_text("c539ab89")

    page.click("#add-evidence")
    row = page.locator("#evidence-rows .evidence-row").last
    row.locator(".evidence-url").fill("https://stats.example/june")
    row.locator(".evidence-title").fill("June labour survey")
    row.locator(".evidence-excerpt").fill("The rate was 4.1 percent.")
    remove = row.locator("button.link")
    box = remove.bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert box and panel and box["x"] + box["width"] <= panel["x"] + panel["width"] + 1  # not clipped
    page.click("button[data-verdict=correct]")

    expect(page.locator("#status-line")).to_contain_text("Saved")
    review = Review.objects.get(reviewer=reviewer, is_current=True)
    assert review.evidence == [
        {"url": "https://stats.example/june", "title": "June labour survey", "excerpt": "The rate was 4.1 percent."}
    ]
    page.keyboard.press("k")
    expect(page.locator("#item-title")).to_have_text(f"Claim {item.pk}")
    history = page.locator("#history")
    expect(history.locator("li").first).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · "))
    expect(history).not_to_contain_text("rationale: ,")
    assert not re.search(r"rationale:\s*($|,)", history.inner_text(), re.MULTILINE)
    assert page.js_errors == []


def test_an_editor_sees_the_engine_version_and_the_item_version(new_page, item):
    page = new_page(UserFactory(username="erin", role="editor"))
    _open(page, item)

    facts = page.locator("#item-facts")
    expect(facts).to_contain_text("the engine (rules-8+encoder-c539ab89)")
    expect(facts).to_contain_text("Version")
