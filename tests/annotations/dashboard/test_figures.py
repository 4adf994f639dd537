"""The admin dashboard: each figure against data built for it, the page's query count, staff only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.dashboard import figures
from annotations.dashboard.heartbeats import worker_heartbeat_record
from annotations.dashboard.snapshot import desk_snapshot_refresh
from annotations.models import DashboardSnapshot, ExtractionJob, Item, Review, WorkerHeartbeat
from tests.factories import ItemFactory, JobFactory, UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on

NOW = timezone.now()


def _item(article, sentence, **fields) -> Item:
    return item_on(article, sentence, **fields)


@pytest.fixture
def staff_browser(client, db):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_items_by_status_counts_live_items_per_kind_and_dismissed_apart():
    article = article_with_revision(body=BODY)
    revision = article.current_revision
    _item(article, SENTENCE_1, status=Item.Status.CORRECT)
    _item(article, SENTENCE_2)
    ItemFactory(revision=revision, kind=Item.Kind.QUOTE, start=0, length=5, status=Item.Status.DISPUTED)
    ItemFactory(revision=revision, start=3, length=4, dismissed=True)

    counts = figures.items_by_status()

    assert counts["claim"] == {"unverified": 1, "correct": 1, "disputed": 0, "live": 2, "dismissed": 1}
    assert counts["quote"]["disputed"] == 1 and counts["quote"]["live"] == 1


@pytest.mark.django_db
def test_backlog_is_bucketed_by_age_and_score():
    revision = article_with_revision(body=BODY).current_revision
    for offset, (age_days, score) in enumerate([(0.5, 0.95), (3, 0.1), (10, 0.5), (40, 0.5), (40, 1.0)]):
        created_at = NOW - dt.timedelta(days=age_days)
        ItemFactory(revision=revision, start=offset, length=3, score=score, created_at=created_at)
    ItemFactory(revision=revision, start=20, length=3, status=Item.Status.CORRECT)  # not in the backlog

    backlog = figures.unverified_backlog(now=NOW)

    assert backlog["by_age"] == [("under 1 day", 1), ("1-7 days", 1), ("7-30 days", 1), ("over 30 days", 2)]
    assert dict(backlog["by_score"]) == {"0.0-0.2": 1, "0.2-0.4": 0, "0.4-0.6": 2, "0.6-0.8": 0, "0.8-1.0": 2}


@pytest.mark.django_db
def test_median_time_to_verdict_reads_reviewed_items_only():
    revision = article_with_revision(body=BODY).current_revision
    for offset, hours in enumerate([1, 2, 10]):
        ItemFactory(
            revision=revision, start=offset, length=3, status=Item.Status.CORRECT,
            created_at=NOW - dt.timedelta(hours=24), status_changed_at=NOW - dt.timedelta(hours=24 - hours),
        )
    ItemFactory(revision=revision, start=9, length=3, created_at=NOW - dt.timedelta(days=90))  # unverified

    figure = figures.time_to_verdict()

    assert figure["items"] == 3
    assert figure["median"] == dt.timedelta(hours=2)


@pytest.mark.django_db
def test_reviews_per_reviewer_over_7_and_30_days_and_disagreement_rate():
    article = article_with_revision(body=BODY)
    split, agreed, single = (_item(article, s) for s in (SENTENCE_1, SENTENCE_2, "the minister said"))
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    Review.objects.create(item=split, reviewer=ana, verdict="correct", created_at=NOW - dt.timedelta(days=1))
    Review.objects.create(item=split, reviewer=ben, verdict="disputed", created_at=NOW - dt.timedelta(days=10))
    Review.objects.create(item=agreed, reviewer=ana, verdict="correct", created_at=NOW - dt.timedelta(days=2))
    Review.objects.create(item=agreed, reviewer=ben, verdict="correct", created_at=NOW - dt.timedelta(days=40))
    Review.objects.create(item=single, reviewer=ana, verdict="disputed", is_current=False)  # superseded
    Review.objects.create(item=single, reviewer=ana, verdict="correct")

    reviewers = figures.reviews_per_reviewer(now=NOW)
    disagreement = figures.disagreement()

    assert reviewers == [
        {"reviewer": "ana", "last_7_days": 4, "last_30_days": 4},
        {"reviewer": "ben", "last_7_days": 0, "last_30_days": 1},
    ]
    assert disagreement == {"items": 2, "disagreeing": 1, "rate": 0.5}


@pytest.mark.django_db
def test_queue_health_counts_jobs_oldest_queued_latency_and_heartbeat():
    article = article_with_revision(body=BODY)  # its job is queued, created now
    revision = article.current_revision
    JobFactory(revision=revision, status="queued", created_at=NOW - dt.timedelta(minutes=30))
    JobFactory(revision=revision, status="running")
    JobFactory(revision=revision, status="failed")
    for seconds in [2, 4, 6, 8, 100]:
        JobFactory(
            revision=revision, status="done", created_at=NOW - dt.timedelta(minutes=10),
            finished_at=NOW - dt.timedelta(minutes=10) + dt.timedelta(seconds=seconds),
        )
    two_hours_ago = NOW - dt.timedelta(hours=2)
    JobFactory(  # finished more than an hour ago: not in the latency
        revision=revision, status="done", created_at=two_hours_ago - dt.timedelta(hours=1), finished_at=two_hours_ago
    )
    worker_heartbeat_record(hostname="worker-1", now=NOW - dt.timedelta(seconds=20))

    health = figures.queue_health(now=NOW)

    assert health["jobs"] == {"queued": 2, "running": 1, "failed": 1, "done": 6}
    assert dt.timedelta(minutes=29) < health["oldest_queued_age"] <= dt.timedelta(minutes=30)
    assert health["latency_p50"] == dt.timedelta(seconds=6)
    # Nearest rank on SQLite (100 s); interpolated by PostgreSQL's percentile_cont (81.6 s).
    assert dt.timedelta(seconds=80) < health["latency_p95"] <= dt.timedelta(seconds=100)
    assert health["heartbeat"].hostname == "worker-1" and health["heartbeat_stale"] is False


@pytest.mark.django_db
def test_no_heartbeat_is_flagged_stale():
    assert figures.queue_health(now=NOW)["heartbeat_stale"] is True


@pytest.mark.django_db
def test_heartbeat_task_records_the_worker():
    from workers.tasks import record_worker_heartbeat

    record_worker_heartbeat.apply()

    assert WorkerHeartbeat.objects.count() == 1


def _reviewed_articles(count: int) -> None:
    """``count`` articles, each with a disputed claim, its review and a finished extraction job."""
    for _ in range(count):
        article = article_with_revision(body=BODY)
        claim = _item(article, SENTENCE_1, status=Item.Status.DISPUTED, status_changed_at=NOW)
        Review.objects.create(item=claim, reviewer=UserFactory(), verdict="disputed")
        ExtractionJob.objects.filter(pk=article.current_job_id).update(status="done", finished_at=NOW)


def _page_queries(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/dashboard/")
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_dashboard_page_is_a_fixed_number_of_queries_whatever_the_data(staff_browser):
    # Two states: the kept figures are fresh (the page reads one row), or stale (beat stopped)
    # and computed again by the page.
    desk_snapshot_refresh()
    counts = {}
    for articles in (1, 30):
        _reviewed_articles(articles if articles == 1 else articles - 1)
        DashboardSnapshot.objects.update(computed_at=NOW - dt.timedelta(days=1))
        computing_html, computing = _page_queries(staff_browser)
        reading_html, reading = _page_queries(staff_browser)
        counts[articles] = (len(computing), len(reading))
        for html in (computing_html, reading_html):
            assert f'id="jobs-done">{articles}<' in html
            assert f'data-status="disputed">{articles}<' in html
            assert f'<span id="verdict-items">{articles}</span>' in html
        assert not [sql for sql in reading if "annotations_item" in sql or "annotations_review" in sql], (
            "with fresh kept figures the page must not aggregate items or reviews"
        )

    assert counts[1] == counts[30], f"the query count grew with the data: {counts}"
    computing_count, reading_count = counts[30]
    # Computing: session, user, the row, 7-8 aggregates, the desk page's 5-6 (waiting, workload
    # and its names, verdicts and items by day), the row's UPDATE, the queue's 4-6 (SQLite reads
    # percentiles with one query each), the checked-before count. Reading: session, user, the
    # row, the queue, the checked-before count (one aggregate over the matches).
    assert computing_count <= 25 and reading_count <= 10, counts
    assert '<svg role="img" aria-label="Claims by status"' in reading_html
    assert "cdn" not in reading_html.lower()


@pytest.mark.django_db
def test_dashboard_is_for_staff_only(client, reviewer):
    client.force_login(reviewer)

    response = client.get("/admin/dashboard/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_index_links_the_dashboard(staff_browser):
    assert b'href="/admin/dashboard/"' in staff_browser.get("/admin/").content


@pytest.mark.django_db
def test_checked_before_counts_claims_with_a_match_no_reviewer_rejected():
    from annotations.dashboard.figures import checked_before
    from annotations.models import ClaimMatch, FactCheck

    first, second, third = (ItemFactory() for _ in range(3))
    check = FactCheck.objects.create(source="imported", claim_text="x", review_url="https://c.example/1")
    ClaimMatch.objects.create(item=first, factcheck=check, score=0.9)
    ClaimMatch.objects.create(item=second, factcheck=check, score=0.8, feedback="confirmed")
    ClaimMatch.objects.create(item=third, factcheck=check, score=0.7, feedback="rejected")

    assert checked_before() == {"claims": 2, "confirmed": 1}
