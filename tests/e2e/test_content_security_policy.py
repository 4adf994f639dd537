"""Every page works in Chromium under its Content-Security-Policy: nothing refused, nothing
fetched from another origin (factcheck/csp.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations.models import Item
from tests.e2e.conftest import screenshot
from tests.factories import ItemFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Jobs report\n\nUnemployment fell to 4.1 percent in June, the statistics office said. Exports rose."
SENTENCE = "Unemployment fell to 4.1 percent in June"


def _watch(page, origin: str) -> dict[str, list[str]]:
    """What the policy refused (Chromium reports it on the console) and what left the origin."""
    seen = {"refused": [], "outside": []}

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen["refused"].append(message.text)

    def on_response(response):  # a request the policy blocks gets no response
        if not response.url.startswith((origin, "data:", "blob:")):
            seen["outside"].append(response.url)

    page.on("console", on_console)
    page.on("response", on_response)
    return seen


@pytest.fixture
def staff():
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    user.set_password("a long staff passphrase")
    user.save()
    return user


@pytest.fixture
def article():
    article = article_with_revision(body=BODY, title="Jobs report")
    ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE), length=len(SENTENCE),
                status=Item.Status.CORRECT, score=0.9)
    ItemFactory(revision=article.current_revision, start=BODY.index("Exports rose."), length=len("Exports rose."))
    return article


@pytest.mark.attack(
    "pages",
    "desk pages, admin and dashboard opened in Chromium under the CSP",
    "no resource refused, nothing fetched from another origin, every page renders",
)
def test_desk_pages_admin_and_dashboard_work_with_no_csp_violation(new_page, live_server, staff, article):
    page = new_page()
    seen = _watch(page, live_server.url)

    login = page.goto("/accounts/login/")
    assert "script-src 'self'" in login.headers["content-security-policy"]
    page.fill("#id_username", "boss")
    page.fill("#id_password", "a long staff passphrase")
    page.click("button[type=submit]")
    expect(page.locator("table.articles")).to_contain_text("Jobs report")
    # The progress bar's widths are SVG attributes: half of the two items is reviewed.
    width = page.locator(".progress .part.correct").evaluate("rect => rect.getBoundingClientRect().width")
    assert 100 < width < 120, f"the correct part should be half of the 220 px bar, is {width}"
    screenshot(page, "csp-article-list")

    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    expect(page.locator("#article-text")).to_contain_text("Unemployment fell")

    page.goto("/admin/")
    expect(page.locator("#dashboard-link")).to_be_visible()
    page.goto("/admin/annotations/article/")
    expect(page.locator("#result_list")).to_contain_text("Jobs report")
    page.goto("/admin/axes/accessattempt/")  # where a lockout is lifted
    expect(page.locator("#changelist")).to_be_visible()
    page.goto("/admin/dashboard/")
    expect(page.locator("#items-by-status")).to_be_visible()
    grid = page.locator(".dash-grid").first.evaluate("grid => getComputedStyle(grid).display")
    assert grid == "grid", "the dashboard's stylesheet should apply"
    screenshot(page, "csp-dashboard")

    assert seen == {"refused": [], "outside": []}
    assert page.js_errors == []


@pytest.mark.attack(
    "API docs",
    "Swagger UI and Redoc opened in Chromium under their own CSP",
    "both render the schema from the sidecar package's files; nothing refused or fetched from outside",
)
def test_api_docs_render_under_their_policy_with_nothing_from_outside(new_page, live_server):
    page = new_page()
    seen = _watch(page, live_server.url)

    docs = page.goto("/api/docs/")
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Fact-check and annotation API")
    screenshot(page, "csp-swagger")
    page.goto("/api/redoc/")
    expect(page.locator("h1").first).to_contain_text("Fact-check and annotation API")
    screenshot(page, "csp-redoc")

    # Redoc's bundle always asks for its maker's logo from a CDN; the policy is what stops it.
    assert [text for text in seen["refused"] if "cdn.redoc.ly/redoc/logo-mini.svg" not in text] == []
    assert seen["outside"] == []
    assert page.js_errors == []
