"""The editors' desk dashboard in Chromium: an editor who is not staff reaches it from the nav, its
numbers are the database's (counted here independently), a figure's link opens a list of that
many items, nothing is refused by the CSP, and nothing scrolls sideways at 1280 or 390 px."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.dashboard.snapshot import desk_snapshot_refresh
from annotations.models import Item, Review
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import _axe_violations
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024. Prices fell in May."


def _desk():
    """Five articles over two weeks: verdicts on several days, second reviews pending, work assigned."""
    now = timezone.now()
    reviewers = [UserFactory(username=name, role="reviewer") for name in ("ana", "ben", "chloe")]
    for number in range(5):
        article = article_with_revision(
            body=BODY, title=f"Jobs report {number}: a headline long enough to wrap on a phone",
            blind_review=number == 1,
        )
        for offset in range(6):
            decided = offset < 2 + number % 3
            item = ItemFactory(
                revision=article.current_revision, start=offset * 4, length=3,
                kind=Item.Kind.QUOTE if offset == 5 else Item.Kind.CLAIM,
                status=("disputed" if offset == 1 else "correct") if decided else "unverified",
                created_at=now - dt.timedelta(days=3 * number + 2),
                status_changed_at=now - dt.timedelta(days=2 * number + offset % 2) if decided else None,
                assigned_to=reviewers[offset % 3] if offset % 2 else None,
            )
            # Decided: two agreeing verdicts; offset 3 open with one verdict (waiting for a second).
            voters = reviewers[:2] if decided else reviewers[:1] if offset == 3 else []
            for reviewer in voters:
                Review.objects.create(item=item, reviewer=reviewer, verdict=item.status if decided else "correct")
    return reviewers


@pytest.fixture
def editor():
    """An editor who is not staff: the admin's dashboard is closed to them, this page is not."""
    return UserFactory(username="erin", role="editor")


def _no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_editor_reads_the_desk_and_follows_a_figure_to_its_list(new_page, editor):
    _desk()
    desk_snapshot_refresh()
    page = new_page(editor)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)

    page.goto("/review/")
    page.get_by_role("link", name="Desk", exact=True).click()
    expect(page.locator("h1")).to_have_text("Desk")

    live = Item.objects.filter(dismissed=False)
    expect(page.locator("#open-total")).to_have_text(str(live.filter(status="unverified").count()))
    rows = page.locator("#desk-articles tbody tr[data-article]")
    open_articles = {item.revision.article_id for item in live.filter(status="unverified")}
    expect(rows).to_have_count(len(open_articles))
    first = rows.first
    article_id = int(first.get_attribute("data-article"))
    items = live.filter(revision__article_id=article_id)
    reviewed = items.filter(status__in=["correct", "disputed"]).count()
    expect(first.locator("a.reviewed")).to_have_text(f"{reviewed} of {items.count()}")
    assert page.locator("#throughput-chart svg a").count() > 3, "verdict days should be drawn as linked columns"
    assert _no_sideways_scroll(page) <= 0
    screenshot(page, "desk-dashboard")

    claims = first.locator("td.open a[data-kind=claim]")
    shown = int(claims.inner_text().split()[0])
    claims.click()
    body = json.loads(page.locator("pre").first.inner_text())
    assert body["count"] == shown == items.filter(kind="claim", status="unverified").count()
    assert refused == [], refused


def test_on_a_phone_the_desk_fits_the_articles_are_cards_and_axe_is_clean(new_page, editor):
    _desk()
    # bypass_csp: only to inject axe-core, as test_accessibility does; the CSP is checked above.
    page = new_page(editor, width=390, height=800, bypass_csp=True)

    page.goto("/review/desk/")  # no snapshot yet: the page computes and keeps it

    expect(page.locator("#desk-articles tbody tr[data-article]").first).to_be_visible()
    assert _no_sideways_scroll(page) <= 0, "the desk page must not scroll sideways at 390 px"
    header = page.locator("#desk-articles thead")
    assert header.bounding_box()["height"] <= 1, "below 900 px the article table reads as cards"
    chart = page.locator("#backlog-chart svg").bounding_box()
    assert chart["width"] <= 390
    screenshot(page, "desk-dashboard-phone")
    page.locator("#desk-days summary").click()  # the day table's links too
    assert _no_sideways_scroll(page) <= 0
    assert _axe_violations(page) == []
