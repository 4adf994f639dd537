"""The live desk in the browser: two people on one article, served over ASGI (issue #16).

The pages open their socket on the ASGI server (``tests/support/asgi_server.py``): a verdict in
one context shows in the other within a second with no polling request made, presence comes and
goes, and a page whose server went away for 10 s shows every change made meanwhile once it is back.
The poll interval is kept short (1 s) so that a page that polled would be caught doing it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from annotations.models import ExtractionJob, Item
from annotations.services.items import comment_add
from annotations.services.review import review_submit
from tests.e2e.conftest import item_settled, screenshot
from tests.e2e.test_review_page import BODY, SENTENCE_1, SENTENCE_2, _item, _pick, _reviewer
from tests.e2e.test_review_polling import _record_requests
from tests.factories import UserFactory, article_with_revision
from tests.support.asgi_server import AsgiLiveServer

pytestmark = pytest.mark.django_db(transaction=True)

POLL_SECONDS = 1.0


@pytest.fixture
def asgi_server(browser):
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def desk_page(browser, asgi_server):
    """``desk_page(user)``: a page on the ASGI server, logged in as ``user``, in its own context."""
    contexts = []

    def open_page(user, *, width: int = 1280, height: int = 860):
        context = browser.new_context(base_url=asgi_server.url, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": asgi_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def article(settings):
    settings.REVIEW_POLL_SECONDS = POLL_SECONDS
    # The sockets' own database re-check waits longer than any expectation here: what arrives
    # in time was pushed by the commit's doorbell.
    settings.DESK_PUSH_RECHECK_SECONDS = 60
    article = article_with_revision(body=BODY, title="Jobs report")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(status=ExtractionJob.Status.DONE)
    return article


def _open_live(page, article) -> None:
    page.goto(f"/review/articles/{article.pk}/")
    expect(page.locator("body[data-ready='1']")).to_be_attached()
    expect(page.locator("#live-state")).to_have_attribute("data-state", "live")


def test_a_verdict_in_one_context_appears_in_the_other_within_a_second_without_polling(desk_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, sams = desk_page(rita), desk_page(sam)
    _open_live(ritas, article)
    _open_live(sams, article)
    _pick(sams, claim)
    _pick(ritas, claim)
    sams.wait_for_timeout(1500)  # the selection's own reads
    sams_requests = _record_requests(sams)

    sams.wait_for_timeout(3 * POLL_SECONDS * 1000)  # idle: three poll intervals
    assert sams_requests == [], f"an idle live page asks nothing, it asked {sams_requests}"

    ritas.click("button[data-verdict=disputed]")
    expect(ritas.locator("#status-line")).to_have_text("Saved: disputed.")
    expect(sams.locator("#reviews")).to_contain_text("rita", timeout=1000)
    expect(sams.locator("#status-line")).to_have_text(f"claim {claim.pk} was just changed by someone else.")
    assert not any("/events/" in path for path in sams_requests), sams_requests  # pushed, not polled
    assert f"/api/v1/claims/{claim.pk}/" in sams_requests  # only the item the event named is read
    assert ritas.js_errors == [] and sams.js_errors == []


def test_presence_shows_who_is_on_which_item_and_goes_when_their_page_closes(desk_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    _item(article, SENTENCE_2, score=0.6)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, sams = desk_page(rita), desk_page(sam)
    _open_live(sams, article)
    _pick(sams, claim)
    _open_live(ritas, article)
    expect(sams.locator("#presence")).to_have_text("Also here: rita")

    _pick(ritas, claim)
    expect(sams.locator("#presence")).to_have_text(f"Also here: rita (claim {claim.pk})")
    expect(sams.locator("#item-presence")).to_have_text("rita has this item open.")
    expect(sams.locator(f"[data-item-start~='{claim.pk}']").first).to_have_class(re.compile("others-here"))

    ritas.fill("#rationale", "The office says May")
    expect(sams.locator("#item-presence")).to_have_text("rita is writing a rationale on this item.")
    expect(ritas.locator("#presence")).to_have_text(f"Also here: sam (claim {claim.pk})")
    screenshot(sams, "live-desk-presence")

    ritas.close()
    expect(sams.locator("#presence")).to_have_text("")
    expect(sams.locator("#item-presence")).to_be_hidden()


@pytest.mark.parametrize("writer", ["erin", "ed"])
def test_a_new_revision_is_told_as_someone_elses_only_when_it_is(desk_page, article, writer):
    claim = _item(article, SENTENCE_2, score=0.9)  # after the edit: found again, one character on
    erin = UserFactory(username="erin", role="editor")
    author = erin if writer == "erin" else UserFactory(username="ed", role="editor")
    erins, authors = desk_page(erin), desk_page(author)  # Erin's second tab, or another editor's
    _open_live(erins, article)
    _pick(erins, claim)
    item_settled(erins)
    version = Item.objects.get(pk=claim.pk).version

    _open_live(authors, article)
    authors.click("#edit-article summary")
    authors.fill("#edit-text", BODY.replace("4.1 percent", "4.10 percent"))
    authors.click("#save-text")
    expect(authors.locator("#desk-result")).to_contain_text("New revision saved.")

    expect(erins.locator("#article-text")).to_contain_text("4.10 percent")  # pushed: the page read it all again
    assert Item.objects.get(pk=claim.pk).version > version, "the selected item moved, so its version did"
    told = erins.locator("#status-line")
    if writer == "erin":
        expect(told).not_to_contain_text("someone else")
    else:
        expect(told).to_have_text(f"claim {claim.pk} was just changed by someone else.")
    assert erins.js_errors == [] and authors.js_errors == []


def test_a_page_that_lost_its_server_for_10_s_shows_every_change_made_meanwhile(desk_page, asgi_server, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    other = _item(article, SENTENCE_2, score=0.6)
    sam = _reviewer("sam")
    rita = _reviewer("rita")
    sams = desk_page(sam)
    _open_live(sams, article)
    _pick(sams, claim)

    asgi_server.stop()
    expect(sams.locator("#live-state")).to_have_attribute("data-state", "down")
    # While it is away: a verdict, a comment, and a verdict on another item.
    review_submit(item_id=claim.pk, kind=claim.kind, reviewer=rita, verdict="disputed", rationale="May, not June.",
                  expected_version=Item.objects.get(pk=claim.pk).version)
    comment_add(item_id=claim.pk, kind=claim.kind, author=rita, body="Checked with the office.")
    review_submit(item_id=other.pk, kind=other.kind, reviewer=rita, verdict="correct",
                  expected_version=Item.objects.get(pk=other.pk).version)
    sams.wait_for_timeout(10_000)
    asgi_server.start()

    # Back within its reconnection delay (at most 30 s, about 16 s after a 10 s outage).
    expect(sams.locator("#live-state")).to_have_attribute("data-state", "live", timeout=35_000)
    expect(sams.locator("#reviews")).to_contain_text("rita", timeout=5_000)
    expect(sams.locator("#reviews")).to_contain_text("May, not June.")
    expect(sams.locator("#comments")).to_contain_text("Checked with the office.")
    _pick(sams, other)
    expect(sams.locator("#reviews")).to_contain_text("rita")


def test_a_socket_the_server_refused_says_why_and_the_page_reads_changes_instead(desk_page, article, settings):
    settings.DESK_PUSH_SOCKETS_PER_USER = 1
    claim = _item(article, SENTENCE_1, score=0.9)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, ritas_second, sams = desk_page(rita), desk_page(rita), desk_page(sam)
    _open_live(ritas, article)
    ritas_second.goto(f"/review/articles/{article.pk}/")
    expect(ritas_second.locator("#live-state")).to_have_text(
        f"Not live (too many open tabs or messages): changes are read every {POLL_SECONDS:g} s"
    )
    _pick(ritas_second, claim)
    requests = _record_requests(ritas_second)

    _open_live(sams, article)
    _pick(sams, claim)
    sams.click("button[data-verdict=disputed]")
    expect(sams.locator("#status-line")).to_have_text("Saved: disputed.")
    expect(ritas_second.locator("#reviews")).to_contain_text("sam")
    assert any("/events/" in path for path in requests), requests  # polled, as the line says
    assert ritas_second.js_errors == []
