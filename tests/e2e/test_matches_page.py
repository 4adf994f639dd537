""""Checked before" on the review page, in Chromium: an earlier check is shown with its verdict
and link, "apply this verdict" fills the form, and the reviewer's own submit records it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import ClaimMatch, FactCheck, Item, Review
from tests.e2e.conftest import item_settled
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Jobs report\n\nUnemployment fell to 4.1 percent in June, the statistics office said. The rest is filler."
CLAIM = "Unemployment fell to 4.1 percent in June"


@pytest.fixture
def matched_claim():
    article = article_with_revision(body=BODY, title="Jobs report")
    body = article.current_revision.body
    claim = ItemFactory(revision=article.current_revision, start=body.index(CLAIM), length=len(CLAIM), score=0.9)
    check = FactCheck.objects.create(
        source="imported", claim_text="The unemployment rate dropped to 4.1% in June", title="Jobs claim checked",
        verdict="disputed", rating="False", publisher="Checkers", review_url="https://checks.example/jobs",
        rationale="The office's June figure was 4.3 percent.",
    )
    ClaimMatch.objects.create(item=claim, factcheck=check, score=0.87, matcher_version="test")
    return article, claim


def test_apply_this_verdict_fills_the_form_and_the_reviewer_submits_it(new_page, matched_claim):
    article, claim = matched_claim
    page = new_page(UserFactory(username="rita", role="reviewer"))

    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    page.locator(f"[data-item-start~='{claim.pk}']").first.click()
    expect(page.locator("#item-title")).to_have_text(re.compile(rf"{claim.pk}$"))
    item_settled(page)
    section = page.locator("#matches-box")
    expect(section).to_be_visible()
    expect(section.locator(".match-claim")).to_have_text("The unemployment rate dropped to 4.1% in June")
    expect(section.locator(".badge.disputed")).to_have_text("False")
    expect(section.locator("a.match-link")).to_have_attribute("href", "https://checks.example/jobs")
    assert Review.objects.count() == 0

    section.locator("button.apply-verdict").click()

    expect(page.locator("#rationale")).to_have_value("The office's June figure was 4.3 percent.")
    expect(page.locator("#evidence-rows .evidence-url")).to_have_value("https://checks.example/jobs")
    expect(page.locator("#verdict-box button[data-verdict='disputed']")).to_be_focused()
    assert Review.objects.count() == 0  # filled, not submitted: the reviewer decides

    page.locator("#verdict-box button[data-verdict='disputed']").click()

    expect(page.locator("#status-line")).to_have_text("Saved: disputed.")
    review = Review.objects.get(item=claim)
    assert (review.verdict, review.rationale) == ("disputed", "The office's June figure was 4.3 percent.")
    assert review.evidence == [
        {"url": "https://checks.example/jobs", "title": "Checkers: Jobs claim checked", "excerpt": ""}
    ]
    assert Item.objects.get(pk=claim.pk).status == "unverified"  # one review is not a quorum
    assert page.js_errors == []


def test_not_the_same_claim_hides_it_for_good(new_page, matched_claim):
    article, claim = matched_claim
    page = new_page(UserFactory(username="rita", role="reviewer"))

    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    page.locator(f"[data-item-start~='{claim.pk}']").first.click()
    item_settled(page)
    page.locator("#matches-box button.reject-match").click()

    expect(page.locator("#matches-box")).to_be_hidden()
    assert ClaimMatch.objects.get(item=claim).feedback == "rejected"
    assert page.js_errors == []
