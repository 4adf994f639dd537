"""The admin dashboard in Chromium: its numbers are the database's, counted here independently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.dashboard.heartbeats import worker_heartbeat_record
from annotations.models import ExtractionJob, Item, Review
from tests.e2e.conftest import screenshot
from tests.factories import ItemFactory, JobFactory, UserFactory, article_with_revision

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024. Prices fell."


def _desk() -> None:
    """A small desk: items of every status and kind, reviews that agree and disagree, jobs in every state."""
    now = timezone.now()
    reviewers = [UserFactory(username=name, role="reviewer") for name in ("ana", "ben", "chloe")]
    statuses = ["unverified", "unverified", "correct", "disputed", "unverified"]
    for number in range(6):
        article = article_with_revision(body=BODY, title=f"Article {number}")
        revision = article.current_revision
        for offset, status in enumerate(statuses):
            item = ItemFactory(
                revision=revision, start=offset * 3, length=5, status=status,
                kind=Item.Kind.QUOTE if offset == 4 else Item.Kind.CLAIM,
                score=round(0.15 + 0.2 * offset, 2), created_at=now - dt.timedelta(days=number * 4),
                status_changed_at=now if status != "unverified" else None, dismissed=(number == 5 and offset == 0),
            )
            if status != "unverified":
                verdicts = ["correct", "disputed"] if number % 2 else [status, status]
                for reviewer, verdict in zip(reviewers, verdicts, strict=False):
                    Review.objects.create(
                        item=item, reviewer=reviewer, verdict=verdict, created_at=now - dt.timedelta(days=number * 3)
                    )
        status = ["done", "done", "failed", "running", "queued", "done"][number]
        ExtractionJob.objects.filter(pk=article.current_job_id).update(
            status=status, finished_at=now if status == "done" else None, created_at=now - dt.timedelta(seconds=30)
        )
    JobFactory(revision=revision, status="queued", created_at=now - dt.timedelta(hours=2))
    worker_heartbeat_record(hostname="worker-a", now=now - dt.timedelta(seconds=5))


def test_dashboard_numbers_match_the_database(new_page):
    _desk()
    boss = UserFactory(username="boss", role="editor", is_staff=True, is_superuser=True)
    page = new_page(boss)

    page.goto("/admin/")
    page.click("#dashboard-link a.section")
    expect(page.locator("h1")).to_have_text("Dashboard")

    live = Item.objects.filter(dismissed=False)
    for kind in ("claim", "quote"):
        for status in ("unverified", "correct", "disputed"):
            cell = page.locator(f"#items-by-status tr[data-kind={kind}] td[data-status={status}]")
            expect(cell).to_have_text(str(live.filter(kind=kind, status=status).count()))
        dismissed = page.locator(f"#items-by-status tr[data-kind={kind}] td[data-status=dismissed]")
        expect(dismissed).to_have_text(str(Item.objects.filter(kind=kind, dismissed=True).count()))
    expect(page.locator("#backlog-total")).to_have_text(str(live.filter(status="unverified").count()))
    for status in ("queued", "running", "done"):
        expect(page.locator(f"#jobs-{status}")).to_have_text(str(ExtractionJob.objects.filter(status=status).count()))
    expect(page.locator("#jobs-failed")).to_contain_text(str(ExtractionJob.objects.filter(status="failed").count()))
    expect(page.locator("#oldest-queued")).to_have_text("2.0 h old")

    current = Review.objects.filter(is_current=True)
    multi = {item for item in current.values_list("item_id", flat=True) if current.filter(item_id=item).count() >= 2}
    split = {
        item for item in multi
        if {"correct", "disputed"} <= set(current.filter(item_id=item).values_list("verdict", flat=True))
    }
    expect(page.locator("#multi-reviewed")).to_have_text(str(len(multi)))
    expect(page.locator("#disagreeing")).to_have_text(str(len(split)))
    expect(page.locator("#disagreement-rate")).to_have_text(f"{round(100 * len(split) / len(multi))}%")
    week = Review.objects.filter(reviewer__username="ana", created_at__gt=timezone.now() - dt.timedelta(days=7))
    expect(page.locator("#reviewers tr[data-reviewer=ana] td").nth(1)).to_have_text(str(week.count()))
    expect(page.locator("#heartbeat")).to_contain_text("worker-a")
    assert page.locator("svg[role=img]").count() == 5
    screenshot(page, "admin-dashboard")
    assert page.js_errors == []
