"""The whole desk by keyboard alone, at desktop and phone width: an editor pastes an article, the
worker extracts it, two reviewers give verdicts on the same items side by side without a
spurious conflict, and the editor publishes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Article, Item, Review
from tests.factories import UserFactory
from workers.tasks import extract_article

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "Unemployment fell to 4.1 percent in June, the lowest rate since 2019, the statistics office said.\n\n"
    "Exports rose by 12 percent in the first half of the year, according to customs figures.\n\n"
    "\u201cWe expect growth of 2 percent next year,\u201d said Maria Lopez, the finance minister."
)


def tab_to(page, selector: str, *, presses: int = 60) -> None:
    """Press Tab until ``selector`` has the focus: it must be reachable by keyboard alone."""
    for _ in range(presses):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached by {presses} presses of Tab")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def ready(page) -> None:
    expect(page.locator("body[data-ready='1']")).to_be_attached()


@pytest.mark.parametrize("width", [1280, 390])
def test_paste_extract_review_side_by_side_and_publish_by_keyboard(new_page, published_jobs, width):
    editor = UserFactory(username="erin", role="editor")
    page = new_page(editor, width=width)
    page.goto("/review/")
    tab_to(page, "#ingest-link")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Add an article")
    tab_to(page, "#ingest-text")
    page.keyboard.insert_text(TEXT)
    tab_to(page, "#ingest-title")
    page.keyboard.type("June figures.")
    no_sideways_scroll(page)
    tab_to(page, "#ingest-submit")
    page.keyboard.press("Enter")
    ready(page)
    article = Article.objects.get()
    expect(page).to_have_url(re.compile(rf"/review/articles/{article.pk}/"))

    extract_article.apply(args=[published_jobs[-1]])  # the worker's part, in this process
    items = Item.objects.filter(revision=article.current_revision_id)
    assert items.count() >= 2, list(items.values_list("kind", "text"))

    reviewers = [UserFactory(username=name, role="reviewer") for name in ("rita", "ravi")]
    pages = [new_page(reviewer, width=width) for reviewer in reviewers]
    for reviewer_page in pages:
        reviewer_page.goto(f"/review/articles/{article.pk}/")
        ready(reviewer_page)
        no_sideways_scroll(reviewer_page)
    reviewed: list[list[str]] = [[], []]
    for _turn in range(2):  # the same items, in turn on each page: the second verdict is never a 412
        for side, (reviewer_page, key) in enumerate(zip(pages, ["c", "d"], strict=True)):
            reviewer_page.keyboard.press("n")  # the next item I have not reviewed
            title = reviewer_page.locator("#item-title")
            expect(title).to_have_text(re.compile(r"^(Claim|Quote) \d+$"))
            reviewed[side].append(title.inner_text())
            reviewer_page.keyboard.press(f"Shift+{key.upper()}")  # Shift: stay, to read the saved state
            expect(reviewer_page.locator("#status-line")).to_have_text(
                f"Saved: {'correct' if key == 'c' else 'disputed'}."
            )
            expect(reviewer_page.locator("#conflict")).to_be_hidden()
    assert reviewed[0] == reviewed[1] and len(set(reviewed[0])) == 2
    item_ids = [int(title.split()[1]) for title in reviewed[0]]
    for reviewer in reviewers:
        assert Review.objects.filter(reviewer=reviewer, is_current=True, item_id__in=item_ids).count() == 2

    page.reload()
    ready(page)
    tab_to(page, "#publish")
    page.keyboard.press("Enter")
    expect(page.locator("#publish-dialog")).to_be_visible()
    expect(page.locator("#publish-counts")).to_contain_text("unverified")
    tab_to(page, "#publish-confirm")
    page.keyboard.press("Enter")
    expect(page.locator("#published-note")).to_be_visible()
    assert Article.objects.get(pk=article.pk).is_published
    for open_page in [page, *pages]:
        assert open_page.js_errors == []
