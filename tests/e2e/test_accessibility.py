"""Every desk page in Chromium, at desktop and phone width: axe-core finds no serious or critical
violation (WCAG 2 A/AA rules), nothing scrolls sideways at 360 px, and the text comes first on a phone.

axe-core is vendored unmodified under tests/e2e/vendor/axe-core (MPL-2.0). It is injected as a
script, which the pages' CSP refuses, so these contexts bypass the CSP; the CSP itself is checked
without any bypass by test_content_security_policy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import Item, Review
from tests.e2e.conftest import screenshot
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = [1280, 390, 360]
BODY = (
    "Jobs report\n\n"
    "Unemployment fell to 4.1 percent in June, the statistics office said. "
    "Exports rose by 12 percent in 2024, according to https://statistics.example.org/exports/2024/annual-report. "
    "“We are pleased with these numbers,” the minister said. Wages grew 3 percent."
)


def _item(article, text: str, **fields) -> Item:
    body = article.current_revision.body
    return ItemFactory(revision=article.current_revision, start=body.index(text), length=len(text), **fields)


@pytest.fixture
def desk():
    article = article_with_revision(body=BODY, title="Jobs report with a rather long headline for a phone screen")
    article.source_url = "https://news.example.org/2024/06/a-very-long-path/that-goes-on-and-on-without-spaces"
    article.publisher = "The Daily Example"
    article.save()
    rita = UserFactory(username="rita", role="reviewer")
    claim = _item(article, "Unemployment fell to 4.1 percent in June", score=0.9, status="correct")
    _item(article, "Exports rose by 12 percent in 2024", score=0.7, status="disputed")
    _item(article, "Wages grew 3 percent.", score=0.5)
    _item(article, "We are pleased with these numbers,", kind=Item.Kind.QUOTE, speaker="the minister", cue="said")
    Review.objects.create(item=claim, reviewer=rita, verdict="correct", rationale="Matches the survey.")
    editor = UserFactory(username="erin", role="editor", is_staff=True, is_superuser=True)
    return {"article": article, "claim": claim, "rita": rita, "editor": editor}


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => {
            const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
            const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(
                    (n) => n.target.join(" ") + " " + (n.failureSummary || "").split("\\n").slice(0, 2).join(" ")
                ),
            }));
        }"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['nodes']}"
        for violation in results
        if violation["impact"] in ("serious", "critical")
    ]


def _pages(desk) -> list[tuple[str, object, str]]:
    article = desk["article"]
    return [
        ("login", None, "/accounts/login/"),
        ("article-list", desk["rita"], "/review/"),
        ("review-page", desk["rita"], f"/review/articles/{article.pk}/?item={desk['claim'].pk}"),
        ("review-page-editor", desk["editor"], f"/review/articles/{article.pk}/?item={desk['claim'].pk}"),
        ("my-queue", desk["rita"], "/review/queue/"),
        ("ingest", desk["editor"], "/review/ingest/"),
        ("dashboard", desk["editor"], "/admin/dashboard/"),
        ("desk", desk["editor"], "/review/desk/"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_clean_for_axe_and_never_scrolls_sideways(new_page, desk, width):
    problems = []
    for name, user, path in _pages(desk):
        page = new_page(user, width=width, height=800, bypass_csp=True)
        page.goto(path)
        if "/review/articles/" in path:
            expect(page.locator("body[data-ready='1']")).to_be_attached()
            expect(page.locator("#item-panel")).to_be_visible()
        for violation in _axe_violations(page):
            problems.append(f"{name} at {width}px: {violation}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            culprits = page.evaluate(
                """() => Array.from(document.querySelectorAll("body *"))
                    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .filter((e) => !e.parentElement.closest("[data-wide]"))
                    .slice(0, 4)
                    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join("."))
                """
            )
            problems.append(f"{name} at {width}px scrolls sideways by {overflow}px: {culprits}")
        if width == 390:
            screenshot(page, f"{name}-phone")
        page.context.close()
    assert problems == [], "\n".join(problems)


def test_every_highlight_is_reached_by_tab_and_named_and_opened_by_enter(new_page, desk):
    page = new_page(desk["rita"])
    page.goto(f"/review/articles/{desk['article'].pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()

    highlights = page.locator("#article-text [data-focus-item]")
    assert highlights.count() == Item.objects.count() == 4
    names = [highlights.nth(n).get_attribute("aria-label") for n in range(4)]
    assert names[0].startswith("Claim, correct, reviewed by you: Unemployment fell")
    assert names[1].startswith("Claim, disputed: Exports rose")
    assert any(name.startswith("Quote, unverified, speaker the minister: ") for name in names)
    marks = [highlights.nth(n).get_attribute("data-mark") for n in range(4)]
    assert set(marks) == {"correct", "disputed", "unverified"}  # a mark by status, not colour alone
    highlights.first.focus()
    page.keyboard.press("Tab")
    expect(highlights.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#item-status")).to_have_text("disputed")


def test_on_a_phone_the_text_comes_first_and_the_panel_is_a_sheet_below(new_page, desk):
    page = new_page(desk["rita"], width=390, height=800)
    page.goto(f"/review/articles/{desk['article'].pk}/?item={desk['claim'].pk}")
    expect(page.locator("body[data-ready='1']")).to_be_attached()

    text_box = page.locator("#article-text").bounding_box()
    panel_box = page.locator("#panel").bounding_box()
    assert text_box["width"] > 300, "the article column should take the phone's width"
    assert panel_box["y"] >= 800 * 0.5 - 1, "the panel is a sheet over the lower half, not on top of the text"
    page.click("#sheet-toggle")
    expect(page.locator("#item-panel")).to_be_hidden()
    page.locator(f"[data-item-start~='{desk['claim'].pk}']").first.click()
    expect(page.locator("#item-panel")).to_be_visible()
