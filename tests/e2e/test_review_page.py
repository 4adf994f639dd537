"""The review page as a reviewer uses it, in Chromium: pick, judge, see others' work, stay safe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Item, Review
from annotations.services.review import item_resolve
from tests.e2e.conftest import item_settled, screenshot
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Jobs report\n\n"
    "Unemployment fell to 4.1 percent in June, the statistics office said. "
    "Exports rose by 12 percent in 2024. "
    "“We are pleased with these numbers,” the minister said."
)
SENTENCE_1 = "Unemployment fell to 4.1 percent in June"
SENTENCE_2 = "Exports rose by 12 percent in 2024."
QUOTE = "We are pleased with these numbers,"


def _item(article, text: str, **fields) -> Item:
    body = article.current_revision.body
    return ItemFactory(revision=article.current_revision, start=body.index(text), length=len(text), **fields)


def _reviewer(username: str):
    user = UserFactory(username=username, role="reviewer")
    user.set_password("correct horse battery")
    user.save()
    return user


@pytest.fixture
def article():
    article = article_with_revision(body=BODY, title="Jobs report")
    return article


def _open(page, article) -> None:
    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()


def _pick(page, item: Item) -> None:
    page.locator(f"[data-item-start~='{item.pk}']").first.click()
    expect(page.locator("#item-title")).to_have_text(re.compile(rf"{item.pk}$"))
    item_settled(page)


def test_reviewer_logs_in_disputes_a_claim_and_finds_it_kept_after_reload(new_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    _item(article, SENTENCE_2, score=0.6)
    _item(article, QUOTE, kind=Item.Kind.QUOTE, speaker="the minister", cue="said")
    _reviewer("rita")
    page = new_page()

    page.goto(f"/review/articles/{article.pk}/")
    page.fill("#id_username", "rita")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    expect(page.locator(".speaker")).to_have_text("the minister")
    _pick(page, claim)
    page.fill("#rationale", "The statistics office reports 4.3 percent for June.")
    page.locator("#rationale").press("Escape")
    page.keyboard.press("d")  # the verdict key

    expect(page.locator("#status-line")).to_have_text("Saved: disputed.")
    review = Review.objects.get(item=claim, is_current=True)
    assert (review.reviewer.username, review.verdict) == ("rita", "disputed")
    assert review.rationale == "The statistics office reports 4.3 percent for June."

    page.reload()
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    _pick(page, claim)
    expect(page.locator("#my-review")).to_have_text("Your current verdict: disputed.")
    expect(page.locator("#rationale")).to_have_value("The statistics office reports 4.3 percent for June.")
    expect(page.locator("#reviews .review.disputed")).to_contain_text("rita (you)")
    screenshot(page, "review-page")
    assert page.js_errors == []


def test_another_reviewers_verdict_appears_without_reloading(new_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, sams = new_page(rita), new_page(sam)
    _open(ritas, article)
    _open(sams, article)
    _pick(sams, claim)

    _pick(ritas, claim)
    ritas.click("button[data-verdict=disputed]")
    expect(ritas.locator("#status-line")).to_have_text("Saved: disputed.")

    # Sam's page polls the API: Rita's review shows in his open panel, no reload.
    expect(sams.locator("#reviews")).to_contain_text("rita", timeout=8_000)
    sams.click("button[data-verdict=disputed]")
    expect(sams.locator("#status-line")).to_have_text("Saved: disputed.")
    # Two agreeing verdicts make the claim disputed: Rita's highlight turns red by itself.
    highlight = ritas.locator(f"[data-item-start~='{claim.pk}']")
    expect(highlight).to_have_class(re.compile("status-disputed"), timeout=8_000)
    expect(ritas.locator("#item-status")).to_have_text("disputed")
    assert Item.objects.get(pk=claim.pk).status == Item.Status.DISPUTED


def test_two_reviewers_judging_the_same_claim_side_by_side_get_no_conflict(new_page, article, settings):
    settings.REVIEW_POLL_SECONDS = 120  # neither page refreshes by itself during the test
    claim = _item(article, SENTENCE_1)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, sams = new_page(rita), new_page(sam)
    for page in (ritas, sams):
        _open(page, article)
        _pick(page, claim)

    ritas.click("button[data-verdict=correct]")
    expect(ritas.locator("#status-line")).to_have_text("Saved: correct.")
    sams.fill("#rationale", "Checked the release.")
    sams.click("button[data-verdict=disputed]")  # sent with the version Sam read, before Rita's review

    expect(sams.locator("#status-line")).to_have_text("Saved: disputed.")
    expect(sams.locator("#conflict")).to_be_hidden()
    assert Review.objects.get(reviewer=sam).rationale == "Checked the release."
    assert Item.objects.get(pk=claim.pk).status == Item.Status.DISPUTED  # both verdicts counted


def test_a_verdict_on_an_item_an_editor_changed_meanwhile_shows_it_and_can_be_applied_again(
    new_page, article, settings
):
    settings.REVIEW_POLL_SECONDS = 120
    claim = _item(article, SENTENCE_1)
    sam = _reviewer("sam")
    sams = new_page(sam)
    _open(sams, article)
    _pick(sams, claim)
    editor = UserFactory(username="chief", role="editor")
    item_resolve(item_id=claim.pk, kind="claim", editor=editor, status="correct", note="Office confirmed.",
                 expected_version=1)

    sams.fill("#rationale", "Checked the release.")
    sams.click("button[data-verdict=disputed]")  # sent with the version Sam read: the item changed since

    expect(sams.locator("#conflict")).to_be_visible()
    expect(sams.locator("#conflict-message")).to_contain_text("it is now correct")
    expect(sams.locator("#rationale")).to_have_value("Checked the release.")  # nothing typed is lost
    assert not Review.objects.filter(reviewer=sam).exists()
    sams.click("#conflict-reapply")

    expect(sams.locator("#status-line")).to_have_text("Saved: disputed.")
    expect(sams.locator("#conflict")).to_be_hidden()
    assert Review.objects.get(reviewer=sam).rationale == "Checked the release."


def test_markup_in_an_article_and_in_reviews_renders_as_text(new_page):
    body = (
        'Officials said <script>window.__xss = "script"</script> nothing. '
        'The image <img src=x onerror="window.__xss = \'img\'"> broke. Crime rose 3 percent.'
    )
    article = article_with_revision(body=body, title="<img src=x onerror=\"window.__xss='title'\">")
    claim = _item(article, '<img src=x onerror="window.__xss = \'img\'">')
    _item(article, "Crime rose 3 percent.")
    writer = _reviewer("mallory")
    Review.objects.create(
        item=claim, reviewer=writer, verdict="correct", rationale="<b onmouseover=alert(1)>bold</b>",
        evidence=[{"url": "javascript:window.__xss='evidence'", "title": "<i>click</i>", "excerpt": ""}],
    )
    page = new_page(_reviewer("rita"))

    _open(page, article)
    _pick(page, claim)

    text = page.locator("#article-text")
    expect(text).to_contain_text('<script>window.__xss = "script"</script>')
    expect(text).to_contain_text("<img src=x onerror=")
    expect(page.locator("#reviews")).to_contain_text("<b onmouseover=alert(1)>bold</b>")
    expect(page.locator("#reviews")).to_contain_text("<i>click</i>")
    assert page.locator("#article-text script, #article-text img, #reviews b, #reviews a").count() == 0
    expect(page.locator("#article-title")).to_contain_text("<img src=x")
    assert page.evaluate("window.__xss") is None
    assert page.js_errors == []


def test_emoji_do_not_shift_highlights_and_a_selection_adds_the_right_span(new_page):
    # 😀 and 🇫🇷 are astral: one (two) code points in Python, two (four) UTF-16 units in JavaScript.
    body = "😀 Prices rose 5 percent in May. 🇫🇷 Unemployment fell to 4.1 percent. 👍🏽 Wages stalled."
    article = article_with_revision(body=body, title="Emoji")
    claim = _item(article, "Unemployment fell to 4.1 percent.")
    page = new_page(_reviewer("rita"))
    _open(page, article)

    highlighted = page.locator(f"[data-items~='{claim.pk}']").all_text_contents()
    assert "".join(highlighted) == claim.text

    # Select "Wages stalled" in the page as a mouse would, then add it as a claim.
    page.evaluate(
        """(needle) => {
            const walker = document.createTreeWalker(document.getElementById("article-text"), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(needle);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + needle.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found: " + needle);
        }""",
        " Wages stalled",
    )
    expect(page.locator("#selection-text")).to_have_text("Wages stalled")
    page.click("#add-claim")

    expect(page.locator("#status-line")).to_contain_text("Added claim")
    added = Item.objects.get(origin=Item.Origin.REVIEWER)
    assert (added.start, added.end) == (body.index("Wages stalled"), body.index("Wages stalled") + len("Wages stalled"))
    assert added.text == "Wages stalled"
    assert "".join(page.locator(f"[data-items~='{added.pk}']").all_text_contents()) == "Wages stalled"


def test_keys_walk_the_items_and_a_machine_item_can_be_marked_not_a_claim(new_page, article):
    first = _item(article, SENTENCE_1)
    second = _item(article, SENTENCE_2)
    page = new_page(_reviewer("rita"))
    _open(page, article)

    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_have_text(f"Claim {second.pk}")
    page.keyboard.press("k")
    expect(page.locator("#item-title")).to_have_text(f"Claim {first.pk}")
    page.keyboard.press("x")
    page.keyboard.type("A forecast, not a statement of fact")
    page.keyboard.press("Enter")

    expect(page.locator("#item-status")).to_have_text("not a claim")
    dismissed = Item.objects.get(pk=first.pk)
    assert dismissed.dismissed and dismissed.dismissal_reason == "A forecast, not a statement of fact"
    expect(page.locator("#shortcuts")).to_contain_text("next / previous item")
