"""The review loop in Chromium: a verdict moves on to the next item I have not reviewed, my
marks and progress show, the end of an article leads to the next one, "My queue" starts it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Review
from tests.e2e.conftest import item_settled, screenshot
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Jobs report\n\n"
    "Unemployment fell to 4.1 percent in June, the statistics office said. "
    "Exports rose by 12 percent in 2024. "
    "Wages grew 3 percent."
)
SENTENCES = ["Unemployment fell to 4.1 percent in June", "Exports rose by 12 percent in 2024.", "Wages grew 3 percent."]


def _items(article):
    body = article.current_revision.body
    return [
        ItemFactory(revision=article.current_revision, start=body.index(text), length=len(text), score=0.5)
        for text in SENTENCES
    ]


def _open(page, path: str) -> None:
    page.goto(path)
    expect(page.locator("body[data-ready='1']")).to_be_attached()


def test_a_verdict_moves_to_the_next_unreviewed_item_and_the_end_leads_to_the_next_article(new_page, settings):
    settings.REVIEW_POLL_SECONDS = 120
    article = article_with_revision(body=BODY, title="Jobs report")
    first, second, third = _items(article)
    following = article_with_revision(body=BODY, title="Exports report")
    _items(following)
    rita = UserFactory(username="rita", role="reviewer")
    Review.objects.create(item=second, reviewer=rita, verdict="correct")  # reviewed before: skipped
    page = new_page(rita)
    _open(page, f"/review/articles/{article.pk}/")
    expect(page.locator("#my-progress")).to_have_text("1 of 3 reviewed by you; 1 waiting for a second review")
    expect(page.locator(f"[data-items~='{second.pk}'].mine")).to_have_count(1)

    page.keyboard.press("n")  # the first item I have not reviewed
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    page.keyboard.press("c")

    expect(page.locator("#item-title")).to_have_text(f"Claim {third.pk}")  # skipped the one I reviewed
    expect(page.locator("#my-progress")).to_have_text("2 of 3 reviewed by you; 2 waiting for a second review")
    expect(page.locator(f"[data-items~='{first.pk}'].mine")).to_have_count(1)
    page.keyboard.press("Shift+D")  # Shift: stay on the item
    expect(page.locator("#status-line")).to_have_text("Saved: disputed.")
    expect(page.locator("#item-title")).to_have_text(f"Claim {third.pk}")
    expect(page.locator("#item-mine")).to_be_visible()
    page.keyboard.press("u")  # change my mind: every item is reviewed now

    expect(page.locator("#end-of-article")).to_be_visible()
    expect(page.locator("#my-progress")).to_have_text("3 of 3 reviewed by you; 2 waiting for a second review")
    next_link = page.locator("#next-article")
    expect(next_link).to_have_text("Next article: Exports report")
    expect(next_link).to_be_focused()
    screenshot(page, "review-loop-end")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/review/articles/{following.pk}/$"))
    assert Review.objects.filter(reviewer=rita, is_current=True).count() == 3
    assert page.js_errors == []


def test_stay_after_verdict_setting_keeps_the_old_behaviour(new_page, settings):
    settings.REVIEW_POLL_SECONDS = 120
    article = article_with_revision(body=BODY, title="Jobs report")
    first, _second, _third = _items(article)
    page = new_page(UserFactory(username="rita", role="reviewer"))
    _open(page, f"/review/articles/{article.pk}/")
    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    item_settled(page)
    page.check("#stay-after-verdict")
    page.locator("#stay-after-verdict").blur()

    page.keyboard.press("c")

    expect(page.locator("#status-line")).to_have_text("Saved: correct.")
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    page.reload()  # the setting is remembered in this browser
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    expect(page.locator("#stay-after-verdict")).to_be_checked()


def test_my_queue_from_the_article_list_opens_the_first_item(new_page):
    article = article_with_revision(body=BODY, title="Jobs report")
    first, *_ = _items(article)
    first.score = 0.99
    first.save()
    page = new_page(UserFactory(username="rita", role="reviewer"))
    page.goto("/review/")

    page.click("#my-queue-link")
    expect(page.locator("h1")).to_have_text("My queue")
    page.click("#queue-start")

    expect(page.locator("body[data-ready='1']")).to_be_attached()
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    assert page.js_errors == []
