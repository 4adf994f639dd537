"""The editor's desk in Chromium: decide, assign, correct a speaker, undo "not a claim", edit the
title and text, blind review, publish past a warning and reopen; every change through the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Article, HistoryEvent, Item
from tests.e2e.conftest import item_settled, screenshot
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Jobs report\n\n"
    "Unemployment fell to 4.1 percent in June, the statistics office said. "
    "Exports rose by 12 percent in 2024. "
    "“We are pleased with these numbers,” the minister said."
)


def _item(article, text: str, **fields) -> Item:
    body = article.current_revision.body
    return ItemFactory(revision=article.current_revision, start=body.index(text), length=len(text), **fields)


@pytest.fixture
def desk(settings):
    settings.REVIEW_POLL_SECONDS = 120
    article = article_with_revision(body=BODY, title="Jobs report")
    claim = _item(article, "Unemployment fell to 4.1 percent in June")
    other = _item(article, "Exports rose by 12 percent in 2024.", dismissed=True, dismissal_reason="Old news.")
    quote = _item(article, "We are pleased with these numbers,", kind=Item.Kind.QUOTE, speaker="Partial", cue="said")
    UserFactory(username="rita", role="reviewer")
    editor = UserFactory(username="erin", role="editor")
    return {"article": article, "claim": claim, "other": other, "quote": quote, "editor": editor}


def _open(page, article) -> None:
    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()


def _pick(page, item: Item) -> None:
    page.locator(f"[data-item-start~='{item.pk}']").first.click()
    expect(page.locator("#item-title")).to_have_text(re.compile(rf"{item.pk}$"))
    item_settled(page)


def test_editor_decides_assigns_corrects_a_speaker_and_undoes_not_a_claim(new_page, desk):
    page = new_page(desk["editor"])
    _open(page, desk["article"])

    _pick(page, desk["claim"])
    page.select_option("#resolve-status", "disputed")
    page.fill("#resolve-note", "The office revised June to 4.3.")
    page.click("#resolve")
    expect(page.locator("#item-status")).to_have_text("disputed")
    page.select_option("#assign-item", "rita")
    page.click("#assign")
    expect(page.locator("#status-line")).to_contain_text("assigned to rita")

    _pick(page, desk["quote"])
    expect(page.locator("#quote-meaning")).to_be_visible()
    page.fill("#speaker-input", "the minister")
    page.click("#save-speaker")
    expect(page.locator(".speaker")).to_have_text("the minister")

    _pick(page, desk["other"])
    page.click("#restore")
    expect(page.locator("#item-status")).to_have_text("unverified")

    claim, quote, other = (Item.objects.get(pk=desk[name].pk) for name in ("claim", "quote", "other"))
    assert (claim.resolution_status, claim.assigned_to.username) == ("disputed", "rita")
    assert quote.speaker == "the minister" and not other.dismissed
    actions = set(HistoryEvent.objects.filter(article=desk["article"]).values_list("action", flat=True))
    assert {"resolve", "assign", "span", "dismiss"} <= actions
    assert page.js_errors == []


def test_editor_edits_title_and_text_and_sees_how_the_items_were_carried_over(new_page, desk):
    page = new_page(desk["editor"])
    _open(page, desk["article"])
    page.click("#edit-article summary")

    page.fill("#edit-title", "June jobs: unemployment falls.")  # a headline ending in "."
    page.click("#save-title")
    expect(page.locator("#article-title")).to_have_text("June jobs: unemployment falls.")
    new_text = BODY.replace("Exports rose by 12 percent in 2024.", "Exports rose by 13 percent in 2024.").replace(
        "“We are pleased with these numbers,” the minister said.", "The minister left."
    )
    page.fill("#edit-text", new_text)
    page.click("#save-text")

    result = page.locator("#desk-result")
    expect(result).to_contain_text("New revision saved.")
    expect(result).to_contain_text("not found")
    expect(page.locator("#orphans")).to_be_visible()
    article = Article.objects.get(pk=desk["article"].pk)
    assert article.title == "June jobs: unemployment falls."
    assert article.current_revision.number == 2 and article.current_revision.body == new_text
    assert Item.objects.get(pk=desk["quote"].pk).orphaned


def test_publish_warns_with_counts_then_the_page_is_read_only_until_reopened(new_page, desk):
    page = new_page(desk["editor"])
    _open(page, desk["article"])
    page.check("#blind-review")
    expect(page.locator("#desk-result")).to_contain_text("Blind review on")

    page.click("#publish")
    dialog = page.locator("#publish-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#publish-counts")).to_contain_text("1 claim is unverified")
    expect(page.locator("#publish-counts")).to_contain_text("1 quote is unverified")
    expect(page.locator("#publish-cancel")).to_be_focused()
    screenshot(page, "editor-publish-warning")
    page.keyboard.press("Escape")  # a dialog closes on Escape: nothing published
    expect(dialog).to_be_hidden()
    assert not Article.objects.get(pk=desk["article"].pk).is_published

    page.click("#publish")
    page.click("#publish-confirm")
    expect(page.locator("#published-note")).to_be_visible()
    expect(page.locator("#reopen")).to_be_visible()
    _pick(page, desk["claim"])
    expect(page.locator("button[data-verdict=correct]")).to_be_disabled()
    expect(page.locator("#resolve")).to_be_disabled()
    article = Article.objects.get(pk=desk["article"].pk)
    assert article.is_published and article.blind_review

    page.click("#reopen")
    expect(page.locator("#published-note")).to_be_hidden()
    expect(page.locator("button[data-verdict=correct]")).to_be_enabled()
    assert not Article.objects.get(pk=desk["article"].pk).is_published
    assert page.js_errors == []


def test_a_reviewer_gets_no_editor_tools_and_sees_a_published_article_read_only(new_page, desk):
    article = desk["article"]
    Article.objects.filter(pk=article.pk).update(published_at=article.created_at)
    page = new_page(UserFactory(username="sam", role="reviewer"))
    _open(page, article)

    assert page.locator("#desk-tools, #editor-box").count() == 0
    expect(page.locator("#published-note")).to_contain_text("An editor can reopen it")
    _pick(page, desk["claim"])
    expect(page.locator("button[data-verdict=disputed]")).to_be_disabled()
