"""The review page's states a user can act on, in Chromium: a failed extraction (its reason, a
retry for editors), a queued one (its age, workers that look down, done once items arrive), and
a verdict whose save found the session gone (kept, log in again, restored)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.dashboard.heartbeats import worker_heartbeat_record
from annotations.models import ExtractionJob, Review
from annotations.services.queue import extraction_job_complete, extraction_job_start
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import _axe_violations
from tests.factories import ItemFactory, UserFactory, article_with_revision
from workers.extraction import ClaimSpan, Extraction

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Jobs report\n\nUnemployment fell to 4.1 percent in June, the statistics office said."
SENTENCE = "Unemployment fell to 4.1 percent in June"
FAILURE = "Gave up after 3 attempts. Last error: the worker was lost or hit the hard time limit"
PASSWORD = "correct horse battery"


def _user(username: str, role: str):
    user = UserFactory(username=username, role=role)
    user.set_password(PASSWORD)
    user.save()
    return user


def _open(page, article, query: str = "") -> None:
    page.goto(f"/review/articles/{article.pk}/{query}")
    expect(page.locator("body[data-ready='1']")).to_be_attached()


@pytest.fixture
def failed_article():
    article = article_with_revision(body=BODY, title="Jobs report")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(
        status="failed", attempts=3, last_error=FAILURE, finished_at=timezone.now()
    )
    return article


def test_a_failed_extraction_shows_why_and_an_editor_queues_it_again(new_page, failed_article, published_jobs):
    page = new_page(_user("erin", "editor"))
    _open(page, failed_article)

    expect(page.locator("#extraction-state")).to_have_text("failed")
    expect(page.locator("#extraction-note")).to_have_text(
        "Extraction failed: the worker gave up after 3 attempts; the last one: "
        "the worker was lost or hit the hard time limit."
    )
    page.get_by_role("button", name="Retry extraction").click()

    expect(page.locator("#extraction-note")).to_have_text("Extraction queued less than a minute ago.")
    expect(page.locator("#extraction-state")).to_have_text("queued")
    expect(page.locator("#extraction-state")).to_have_class("job job-queued")
    expect(page.get_by_role("button", name="Retry extraction")).to_be_hidden()
    expect(page.locator("#status-line")).to_contain_text("Extraction queued again")
    failed_article.refresh_from_db()
    assert failed_article.current_job.status == "queued"
    assert published_jobs == [failed_article.current_job_id]
    assert page.js_errors == []


def test_a_reviewer_sees_why_it_failed_but_no_retry_button(new_page, failed_article):
    page = new_page(_user("rita", "reviewer"))
    _open(page, failed_article)

    expect(page.locator("#extraction-note")).to_contain_text("Extraction failed: the worker gave up after 3 attempts")
    expect(page.locator("#extraction-note")).to_contain_text("An editor can retry it.")
    expect(page.get_by_role("button", name="Retry extraction")).to_have_count(0)


def test_a_queued_job_shows_its_age_and_that_the_workers_look_down_until_one_beats(new_page):
    article = article_with_revision(body=BODY, title="Jobs report")
    now = timezone.now()
    ExtractionJob.objects.filter(pk=article.current_job_id).update(created_at=now - dt.timedelta(minutes=3, seconds=5))
    worker_heartbeat_record(hostname="worker-1", now=now - dt.timedelta(minutes=10, seconds=5))
    page = new_page(_user("rita", "reviewer"))
    _open(page, article)

    expect(page.locator("#extraction-note")).to_have_text("Extraction queued 3 min ago.")
    expect(page.locator("#workers-down")).to_be_visible()
    expect(page.locator("#workers-down")).to_contain_text("The workers look down: none has been seen for 10 min.")
    screenshot(page, "review-queued-workers-down")

    worker_heartbeat_record(hostname="worker-1")  # a worker is back: the next poll sees it
    expect(page.locator("#workers-down")).to_be_hidden()
    expect(page.locator("#extraction-note")).to_have_text(re.compile(r"^Extraction queued 3 min ago\.$"))


def test_a_queued_job_says_why_it_has_not_reached_the_workers(new_page):
    article = article_with_revision(body=BODY, title="Jobs report")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(
        last_error="Broker unavailable when publishing: connection refused"
    )
    page = new_page(_user("rita", "reviewer"))
    _open(page, article)

    expect(page.locator("#extraction-note")).to_have_text(
        "Extraction queued less than a minute ago. "
        "Last problem: broker unavailable when publishing: connection refused."
    )


def test_the_state_turns_done_when_the_worker_writes_the_items(new_page, published_jobs):
    article = article_with_revision(body=BODY, title="Jobs report")
    worker_heartbeat_record(hostname="worker-1")
    page = new_page(_user("rita", "reviewer"))
    _open(page, article)
    expect(page.locator("#extraction-state")).to_have_text("queued")

    start = BODY.index(SENTENCE)
    extraction_job_start(job_id=article.current_job_id)
    extraction_job_complete(
        job_id=article.current_job_id,
        extraction=Extraction(claims=[ClaimSpan(start, start + len(SENTENCE), SENTENCE, 0.9)], quotes=[], version="t"),
    )

    expect(page.locator("[data-item-start]")).to_have_count(1)  # the items arrived
    expect(page.locator("#extraction-state")).to_have_text("done")
    expect(page.locator("#extraction-state")).to_have_class("job job-done")
    expect(page.locator("#extraction-note")).to_be_hidden()


def test_a_verdict_saved_after_logout_is_kept_and_restored_after_logging_in_again(new_page):
    article = article_with_revision(body=BODY, title="Jobs report")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(status="done")
    claim = ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE), length=len(SENTENCE))
    rita = _user("rita", "reviewer")
    page = new_page(rita)
    _open(page, article, f"?item={claim.pk}")
    page.fill("#rationale", "The office reports 4.3 percent.")
    page.click("#add-evidence")
    page.fill(".evidence-url", "https://stats.example/june")
    page.context.clear_cookies()  # the session is gone (logged out in another tab, or expired)

    page.get_by_role("button", name=re.compile("^Disputed")).click()

    expect(page.locator("#status-line")).to_contain_text("Not saved: you are logged out.")
    login = page.get_by_role("link", name="Log in again")
    expect(login).to_be_visible()
    page.wait_for_timeout(1500)  # a poll or two fail meanwhile: they must not replace the message
    expect(page.locator("#status-line")).to_contain_text("Not saved: you are logged out.")
    assert not Review.objects.exists()

    login.click()
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("body[data-ready='1']")).to_be_attached()

    expect(page).to_have_url(re.compile(rf"/review/articles/{article.pk}/\?item={claim.pk}$"))
    expect(page.locator("#rationale")).to_have_value("The office reports 4.3 percent.")
    expect(page.locator(".evidence-url")).to_have_value("https://stats.example/june")
    expect(page.locator("#status-line")).to_contain_text("Your unsaved verdict “disputed” is back in the form")
    expect(page.locator("#login-again")).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Disputed")).click()
    expect(page.locator("#status-line")).to_have_text("Saved: disputed.")
    review = Review.objects.get(item=claim, is_current=True)
    assert (review.reviewer, review.verdict, review.rationale) == (rita, "disputed", "The office reports 4.3 percent.")
    assert [evidence["url"] for evidence in review.evidence] == ["https://stats.example/june"]
    assert page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('factcheck.draft.'))") == []


def test_the_failed_state_and_the_log_in_again_notice_are_clean_for_axe(new_page, failed_article):
    claim = ItemFactory(revision=failed_article.current_revision, start=BODY.index(SENTENCE), length=len(SENTENCE))
    page = new_page(_user("erin", "editor"), bypass_csp=True)  # axe is injected as a script
    _open(page, failed_article, f"?item={claim.pk}")
    expect(page.get_by_role("button", name="Retry extraction")).to_be_visible()
    page.context.clear_cookies()
    page.click("button[data-verdict=correct]")
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()
    screenshot(page, "review-failed-extraction-logged-out")

    assert _axe_violations(page) == []


def _log_in_again_elsewhere(page, user, live_server) -> None:
    """The user logs in again in another tab: this tab's cookies get the new session."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _the_kept_verdict_saves(page, claim) -> None:
    expect(page.locator("#status-line")).to_have_text("Logged in again: press correct to submit your kept verdict.")
    expect(page.locator("#login-again")).to_be_hidden()
    page.click("button[data-verdict=correct]")
    expect(page.locator("#status-line")).to_have_text("Saved: correct.")
    assert Review.objects.get(item=claim).rationale == "Matches the June survey."


def test_logging_in_again_in_another_tab_clears_the_logged_out_notice_and_the_kept_verdict_saves(new_page, live_server):
    article = article_with_revision(body=BODY, title="Jobs report")
    claim = ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE), length=len(SENTENCE))
    rita = _user("rita", "reviewer")
    page = new_page(rita)
    _open(page, article, f"?item={claim.pk}")
    page.fill("#rationale", "Matches the June survey.")
    page.context.clear_cookies(name="sessionid")  # logged out elsewhere (a logout keeps the CSRF cookie)
    page.click("button[data-verdict=correct]")
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()

    _log_in_again_elsewhere(page, rita, live_server)
    _the_kept_verdict_saves(page, claim)


def test_a_kept_verdict_put_back_by_a_late_answer_still_hears_of_the_login(new_page, live_server):
    """The item's first reviews answer can land after a save found the session gone: it puts the
    kept verdict back in the form, and logging in again must still clear the notice."""
    article = article_with_revision(body=BODY, title="Jobs report")
    claim = ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE), length=len(SENTENCE))
    rita = _user("rita", "reviewer")
    page = new_page(rita)
    held = []

    def hold_first_read(route):
        if route.request.method == "GET" and not held:
            held.append((route, route.fetch()))  # read while logged in, answered once the save has failed
        else:
            route.continue_()

    page.route(re.compile(r".*/reviews/(\?.*)?$"), hold_first_read)
    _open(page, article, f"?item={claim.pk}")
    page.fill("#rationale", "Matches the June survey.")
    page.context.clear_cookies(name="sessionid")
    page.click("button[data-verdict=correct]")
    expect(page.get_by_role("link", name="Log in again")).to_be_visible()
    assert len(held) == 1
    route, answer = held[0]
    route.fulfill(response=answer)
    expect(page.locator("#status-line")).to_have_text(
        "Your unsaved verdict “correct” is back in the form: press correct to submit it."
    )

    _log_in_again_elsewhere(page, rita, live_server)
    _the_kept_verdict_saves(page, claim)
