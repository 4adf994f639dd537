"""The dashboard's kept desk-wide figures: read while fresh, computed again when stale, missing or
asked for ("Recompute now"), the same values either way, and only for staff."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.dashboard import figures
from annotations.dashboard.snapshot import DESK_FIGURES_FORMAT, desk_snapshot_current, desk_snapshot_refresh
from annotations.dashboard.views import dashboard_context
from annotations.models import DashboardSnapshot, Item, Review
from tests.factories import ItemFactory, UserFactory, article_with_revision
from tests.support.desk import BODY

URL = "/admin/dashboard/"


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_browser(client, boss):
    client.force_login(boss)
    return client


@pytest.fixture
def revision(db):
    return article_with_revision(body=BODY).current_revision


def _claims(revision, count: int, *, first: int = 0, **fields) -> None:
    """``count`` claims on ``revision``, starting at offset ``first`` (spans must differ)."""
    for offset in range(first, first + count):
        ItemFactory(revision=revision, start=offset, length=3, **fields)


def _cell(html: str, kind: str, status: str) -> int:
    """The number in the "items by status" table for ``kind`` (claim, quote) and ``status``."""
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', html, re.S)
    assert row, f"no {kind} row in the items-by-status table"
    cell = re.search(rf'data-status="{status}">(\d+)<', row.group(1))
    assert cell, f"no {status} cell in the {kind} row"
    return int(cell.group(1))


def _as_shown(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _desk_queries(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if "annotations_item" in q["sql"] or "annotations_review" in q["sql"]
    ]


@pytest.mark.django_db
def test_fresh_kept_figures_are_shown_without_recomputing_and_changes_wait_for_a_refresh(staff_browser, revision):
    _claims(revision, 1)
    kept = desk_snapshot_refresh()
    _claims(revision, 2, first=5)  # after the snapshot: not shown until the next refresh
    _claims(revision, 1, first=9, status=Item.Status.CORRECT)

    with CaptureQueriesContext(connection) as captured:
        response = staff_browser.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert _cell(html, "claim", "unverified") == 1
    assert _cell(html, "claim", "correct") == 0
    assert '<span class="dash-figure" id="backlog-total">1</span>' in html
    assert f'<span id="desk-as-of">{_as_shown(kept.computed_at)}' in html
    assert _desk_queries(captured) == [], "a fresh snapshot must be read, not recomputed"
    row = DashboardSnapshot.objects.get()
    assert row.computed_at == kept.computed_at
    assert row.figures["items"]["claim"]["unverified"] == 1


@pytest.mark.django_db
@override_settings(DASHBOARD_REFRESH_SECONDS=60)
def test_kept_figures_are_shown_up_to_two_intervals_old_and_recomputed_after(staff_browser, revision):
    _claims(revision, 1)
    desk_snapshot_refresh(now=timezone.now() - dt.timedelta(seconds=110))  # 1.8 intervals old
    _claims(revision, 2, first=5)

    kept_html = staff_browser.get(URL).content.decode()
    DashboardSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(seconds=125))  # 2.1 intervals
    before = timezone.now()
    response = staff_browser.get(URL)

    assert _cell(kept_html, "claim", "unverified") == 1
    assert response.status_code == 200
    assert _cell(response.content.decode(), "claim", "unverified") == 3
    row = DashboardSnapshot.objects.get()
    assert row.computed_at >= before, "the page must keep what it recomputed"
    assert row.figures["items"]["claim"]["unverified"] == 3


@pytest.mark.django_db
def test_without_a_snapshot_the_page_computes_the_figures_and_keeps_them(staff_browser, revision):
    _claims(revision, 2)
    _claims(revision, 1, first=5, status=Item.Status.DISPUTED)
    assert not DashboardSnapshot.objects.exists()

    response = staff_browser.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert _cell(html, "claim", "unverified") == 2
    assert _cell(html, "claim", "disputed") == 1
    row = DashboardSnapshot.objects.get()
    assert row.pk == DashboardSnapshot.ROW
    assert row.figures["items"]["claim"]["disputed"] == 1
    assert f'<span id="desk-as-of">{_as_shown(row.computed_at)}' in html


@pytest.mark.django_db
def test_a_snapshot_in_an_older_format_is_recomputed_not_read(staff_browser, revision):
    _claims(revision, 2)
    DashboardSnapshot.objects.create(
        computed_at=timezone.now(), seconds=0.1, figures={"format": DESK_FIGURES_FORMAT - 1}
    )

    response = staff_browser.get(URL)

    assert response.status_code == 200
    assert _cell(response.content.decode(), "claim", "unverified") == 2
    assert DashboardSnapshot.objects.get().figures["format"] == DESK_FIGURES_FORMAT


@pytest.mark.django_db
@override_settings(DASHBOARD_REFRESH_SECONDS=60)
def test_reading_the_kept_figures_never_computes_or_writes_them(revision):
    """Only the page decides to recompute: the read answers ``None`` and leaves the table alone."""
    _claims(revision, 1)
    now = timezone.now()

    missing = desk_snapshot_current(now=now)
    nothing_kept = not DashboardSnapshot.objects.exists()
    stale_at = now - dt.timedelta(seconds=125)  # 2.1 intervals old
    desk_snapshot_refresh(now=stale_at)
    with CaptureQueriesContext(connection) as captured:
        stale = desk_snapshot_current(now=now)
    stale_row = DashboardSnapshot.objects.get()
    DashboardSnapshot.objects.update(computed_at=now, figures={"format": DESK_FIGURES_FORMAT - 1})
    older_format = desk_snapshot_current(now=now)

    assert (missing, stale, older_format) == (None, None, None)
    assert nothing_kept, "reading a missing snapshot must not create one"
    assert len(captured.captured_queries) == 1, "one primary-key read, nothing computed or written"
    assert stale_row.computed_at == stale_at
    row = DashboardSnapshot.objects.get()
    assert row.computed_at == now and row.figures == {"format": DESK_FIGURES_FORMAT - 1}


@pytest.mark.django_db
def test_recompute_now_keeps_new_figures_and_redirects_to_the_page(boss, revision):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(boss)
    _claims(revision, 1)
    kept = desk_snapshot_refresh(now=timezone.now() - dt.timedelta(seconds=5))
    _claims(revision, 2, first=5, status=Item.Status.CORRECT)
    page = browser.get(URL).content.decode()
    assert _cell(page, "claim", "correct") == 0 and 'id="desk-refresh"' in page

    response = browser.post(URL, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

    assert response.status_code == 302
    assert response["Location"] == URL
    row = DashboardSnapshot.objects.get()
    assert row.computed_at > kept.computed_at
    assert row.figures["items"]["claim"]["correct"] == 2
    shown = browser.get(URL).content.decode()
    assert _cell(shown, "claim", "correct") == 2
    assert "Desk figures recomputed in" in shown


@pytest.mark.django_db
def test_recompute_now_without_the_csrf_token_is_refused_and_changes_nothing(boss, revision):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(boss)
    _claims(revision, 1)
    kept = desk_snapshot_refresh()
    _claims(revision, 2, first=5)

    response = browser.post(URL)

    assert response.status_code == 403
    row = DashboardSnapshot.objects.get()
    assert row.computed_at == kept.computed_at
    assert row.figures["items"]["claim"]["unverified"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer", "anonymous"])
def test_only_staff_may_see_or_recompute_the_dashboard(client, reviewer, revision, who):
    if who == "reviewer":
        client.force_login(reviewer)  # a desk role, but not staff
    _claims(revision, 1)

    seen = client.get(URL)
    recomputed = client.post(URL)

    for response in (seen, recomputed):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert not DashboardSnapshot.objects.exists(), "a refused request must not compute or keep anything"


@pytest.mark.django_db
def test_other_methods_than_get_and_post_are_not_allowed(staff_browser):
    response = staff_browser.put(URL)

    assert response.status_code == 405
    assert not DashboardSnapshot.objects.exists()


@pytest.mark.django_db
def test_kept_figures_read_back_are_the_figures_computed(revision):
    now = timezone.now()
    _claims(revision, 2, score=0.9)
    _claims(revision, 1, first=4, score=None)  # the "no score" bucket
    ItemFactory(revision=revision, start=6, length=3, dismissed=True)
    ItemFactory(revision=revision, kind=Item.Kind.QUOTE, start=0, length=4, status=Item.Status.CORRECT)
    for offset, extra in enumerate([dt.timedelta(hours=1), dt.timedelta(hours=2, microseconds=123457),
                                    dt.timedelta(days=3)], start=10):
        created_at = now - dt.timedelta(days=5)
        ItemFactory(
            revision=revision, start=offset, length=3, status=Item.Status.DISPUTED,
            created_at=created_at, status_changed_at=created_at + extra,
        )
    split = Item.objects.get(start=10)
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    Review.objects.create(item=split, reviewer=ana, verdict="correct", created_at=now - dt.timedelta(days=2))
    Review.objects.create(item=split, reviewer=ben, verdict="disputed", created_at=now - dt.timedelta(days=9))

    assert desk_snapshot_current(now=now) is None
    computed = dashboard_context(snapshot=desk_snapshot_refresh(now=now), now=now)  # computed, kept, shown
    kept = desk_snapshot_current(now=now)
    assert kept is not None, "a snapshot refreshed at now must be current at now"
    read_back = dashboard_context(snapshot=kept, now=now)  # the kept row, through the database's JSON

    assert DashboardSnapshot.objects.count() == 1
    for key in ("items", "backlog", "backlog_total", "time_to_verdict", "reviewers", "disagreement",
                "desk_as_of", "durations", "charts"):
        assert read_back[key] == computed[key], f"{key} changed on its way through the snapshot row"
    live_backlog = figures.unverified_backlog(now=now)
    assert read_back["time_to_verdict"]["median"] == dt.timedelta(hours=2, microseconds=123457)
    assert read_back["time_to_verdict"] == figures.time_to_verdict()
    assert read_back["items"] == figures.items_by_status()
    assert [tuple(pair) for pair in read_back["backlog"]["by_age"]] == live_backlog["by_age"]
    assert [tuple(pair) for pair in read_back["backlog"]["by_score"]] == live_backlog["by_score"]
    assert ["no score", 1] in read_back["backlog"]["by_score"]
    assert read_back["reviewers"] == figures.reviews_per_reviewer(now=now)
    assert read_back["disagreement"] == {"items": 1, "disagreeing": 1, "rate": 1.0}
    assert read_back["desk_as_of"] == now
    assert read_back["durations"]["median_verdict"] == "2.0 h"


@pytest.mark.django_db
def test_a_worker_clock_slightly_ahead_does_not_show_a_negative_age(revision):
    now = timezone.now()
    desk_snapshot_refresh(now=now + dt.timedelta(milliseconds=40))

    kept = desk_snapshot_current(now=now)
    assert kept is not None, "a snapshot a few milliseconds ahead of this clock is current"
    shown = dashboard_context(snapshot=kept, now=now)

    assert shown["durations"]["desk_age"] == "0 ms"


@pytest.mark.django_db(transaction=True)
def test_two_first_refreshes_at_once_both_succeed_and_leave_one_row():
    """Beat's task and a page may both find no row and insert it at the same moment.

    On PostgreSQL each refresh's connection waits right before its upsert until the other's is
    about to run too, so both write the missing row at once: one inserts, the other's conflict
    turns into an update. SQLite takes its write lock when the upsert's transaction begins, so
    there the two wait before their first query and the lock serialises the writes.
    """
    revision = article_with_revision(body=BODY).current_revision
    _claims(revision, 3)
    together = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []
    moments = [timezone.now(), timezone.now() + dt.timedelta(seconds=1)]

    def refresh(moment: dt.datetime) -> None:
        waited = False

        def before_the_write(execute, sql, params, many, context):
            nonlocal waited
            if not waited and (connection.vendor != "postgresql" or sql.startswith(
                    'INSERT INTO "annotations_dashboardsnapshot"')):
                waited = True
                together.wait()
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(before_the_write):
                desk_snapshot_refresh(now=moment)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
            together.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh, args=(moment,)) for moment in moments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [], f"a concurrent refresh failed: {errors!r}"
    assert together.n_waiting == 0 and not together.broken  # both reached the write, together
    row = DashboardSnapshot.objects.get()
    assert row.computed_at in moments
    assert row.figures["items"]["claim"]["unverified"] == 3
