"""The review page follows others' changes with one catch-up request a poll (issue #16).

An idle page asks only ``/api/v1/articles/{id}/events/`` each poll; a change in another
browser context shows after that page's next poll, which reads again only what the event
names (the item, its threads when selected) and not the article's lists.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import ExtractionJob, Item
from tests.e2e.test_review_page import BODY, SENTENCE_1, SENTENCE_2, _item, _open, _pick, _reviewer
from tests.factories import article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

POLL_SECONDS = 1.0


@pytest.fixture
def article(settings):
    settings.REVIEW_POLL_SECONDS = POLL_SECONDS
    article = article_with_revision(body=BODY, title="Jobs report")
    # Extraction done: a waiting job is read again each poll, as its age and the workers' state change.
    ExtractionJob.objects.filter(pk=article.current_job_id).update(status=ExtractionJob.Status.DONE)
    return article


def _record_requests(page) -> list[str]:
    """The paths (with queries) of every request the page makes from now on, API and pages alike."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(re.sub(r"^https?://[^/]+", "", request.url)))
    return seen


def test_an_idle_page_makes_one_request_a_poll_the_catch_up_call(new_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    _item(article, SENTENCE_2, score=0.6)
    page = new_page(_reviewer("rita"))
    _open(page, article)
    _pick(page, claim)  # a selected item's threads are not read again while nothing changes
    page.wait_for_timeout(1500)  # let the selection's own reads finish
    requests = _record_requests(page)

    page.wait_for_timeout(5 * POLL_SECONDS * 1000)  # (not time.sleep: Playwright's events need its loop)

    events_path = f"/api/v1/articles/{article.pk}/events/?after="
    assert requests and all(path.startswith(events_path) for path in requests), requests
    assert 4 <= len(requests) <= 6, f"one request a poll for 5 polls, got {len(requests)}: {requests}"
    assert page.js_errors == []


def test_a_verdict_in_one_context_appears_in_the_other_after_its_next_poll(new_page, article):
    claim = _item(article, SENTENCE_1, score=0.9)
    rita, sam = _reviewer("rita"), _reviewer("sam")
    ritas, sams = new_page(rita), new_page(sam)
    _open(ritas, article)
    _open(sams, article)
    _pick(sams, claim)
    _pick(ritas, claim)
    sams.wait_for_timeout(1500)
    sams_requests = _record_requests(sams)

    ritas.click("button[data-verdict=disputed]")
    expect(ritas.locator("#status-line")).to_have_text("Saved: disputed.")

    # Within Sam's next poll (or two: his may have just gone out), Rita's review is in his panel.
    expect(sams.locator("#reviews")).to_contain_text("rita", timeout=int(3 * POLL_SECONDS * 1000) + 500)
    api = [path for path in sams_requests if path.startswith("/api/")]
    assert f"/api/v1/claims/{claim.pk}/" in api, api  # the item the event named ...
    assert f"/api/v1/claims/{claim.pk}/reviews/" in api, api  # ... and its threads, as it is selected
    assert not any(path.startswith(f"/api/v1/articles/{article.pk}/claims/") for path in api), api  # no lists
    assert not any(path.startswith(f"/api/v1/articles/{article.pk}/?") or path == f"/api/v1/articles/{article.pk}/"
                   for path in api), api

    # Sam agrees: two verdicts make it disputed, and Rita's highlight turns red by her next poll.
    sams.click("button[data-verdict=disputed]")
    expect(sams.locator("#status-line")).to_have_text("Saved: disputed.")
    highlight = ritas.locator(f"[data-item-start~='{claim.pk}']")
    expect(highlight).to_have_class(re.compile("status-disputed"), timeout=int(3 * POLL_SECONDS * 1000) + 500)
    assert Item.objects.get(pk=claim.pk).status == Item.Status.DISPUTED
    assert ritas.js_errors == [] and sams.js_errors == []
