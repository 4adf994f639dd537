"""The editors' desk dashboard (/review/desk/): its figures on a small hand-made desk, who may
open it, blind mode, a query count that does not grow with the desk, and every link leading to
a list of exactly the count it shows."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.utils import timezone

from annotations.dashboard.snapshot import desk_snapshot_refresh
from annotations.dashboard.workload import daily_flow, open_workload_by_reviewer, waiting_second_by_kind
from annotations.models import Article, Item, Review
from annotations.rules.agreement import agreement_report
from annotations.selectors.workload import waiting_second_review
from tests.conftest import _client_for
from tests.factories import ItemFactory, UserFactory, article_with_revision
from tests.support.desk import BODY

URL = "/review/desk/"
CORRECT, DISPUTED, UNVERIFIED = Item.Status.CORRECT, Item.Status.DISPUTED, Item.Status.UNVERIFIED


def _noon(days_ago: int) -> dt.datetime:
    """Noon of the calendar day ``days_ago`` days before today, in the desk's time zone."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


class Desk:
    """Four articles and two reviewers, every figure worked out by hand in the comments.

    A (blind): a1 correct (alice, bob), a2 unverified with alice's correct (waiting; assigned to
    bob), a3 unverified (assigned to alice), a4 quote unverified with alice's own "unverified"
    verdict (assigned to her, so not her workload; not waiting: that verdict does not count),
    a5 dismissed, a6 disputed (alice correct, bob disputed).
    B: b1 unverified, b2 quote disputed by an editor's decision over alice's correct.
    C (published): c1 unverified. D: d1 correct (no open work).
    """

    def __init__(self) -> None:
        self.alice = UserFactory(username="alice", role="reviewer")
        self.bob = UserFactory(username="bob", role="reviewer")
        self.a = article_with_revision(body=BODY, title="Blind article", blind_review=True)
        self.b = article_with_revision(body=BODY, title="Open article")
        self.c = article_with_revision(body=BODY, title="Published article", published_at=timezone.now())
        self.d = article_with_revision(body=BODY, title="Done article")
        # Newest first on the page: B, then A.
        Article.objects.filter(pk=self.a.pk).update(created_at=_noon(10))
        Article.objects.filter(pk=self.b.pk).update(created_at=_noon(9))
        self.a1 = self._item(self.a, 0, created=3, status=CORRECT, decided=2,
                             reviews={"alice": CORRECT, "bob": CORRECT})
        self.a2 = self._item(self.a, 1, created=3, reviews={"alice": CORRECT}, assigned_to=self.bob)
        self.a3 = self._item(self.a, 2, created=1, assigned_to=self.alice)
        self.a4 = self._item(self.a, 3, created=1, kind=Item.Kind.QUOTE, reviews={"alice": UNVERIFIED},
                             assigned_to=self.alice)
        self.a5 = self._item(self.a, 4, created=1, dismissed=True)
        self.a6 = self._item(self.a, 5, created=3, status=DISPUTED, decided=1,
                             reviews={"alice": CORRECT, "bob": DISPUTED})
        self.b1 = self._item(self.b, 0, created=2)
        self.b2 = self._item(self.b, 1, created=2, kind=Item.Kind.QUOTE, status=DISPUTED, decided=0,
                             resolution_status=DISPUTED, reviews={"alice": CORRECT})
        self.c1 = self._item(self.c, 0, created=5)
        self.d1 = self._item(self.d, 0, created=5, status=CORRECT, decided=4)

    def _item(self, article, start: int, *, created: int, decided: int | None = None, reviews=None, **fields) -> Item:
        item = ItemFactory(
            revision=article.current_revision, start=start, length=3, created_at=_noon(created),
            status_changed_at=_noon(decided) if decided is not None else None, **fields,
        )
        users = {"alice": self.alice, "bob": self.bob}
        for name, verdict in (reviews or {}).items():
            Review.objects.create(item=item, reviewer=users[name], verdict=verdict)
        return item


@pytest.fixture
def desk(db) -> Desk:
    return Desk()


@pytest.fixture
def editor_browser(client, editor):
    """An editor who is not staff: the desk page is theirs, not only the admin's."""
    assert not editor.is_staff
    client.force_login(editor)
    return client


def _day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def test_desk_wide_figures_on_a_hand_made_desk(desk):
    assert waiting_second_by_kind() == {"claim": 1, "quote": 0}  # a2
    # The two plans of the condition (per item, grouped once) agree.
    for per_item in (True, False):
        assert list(Item.objects.filter(waiting_second_review(per_item=per_item)).values_list("pk", flat=True)) == [
            desk.a2.pk
        ]
    assert open_workload_by_reviewer() == [
        {"reviewer": "alice", "claim": 1, "quote": 0, "total": 1},  # a3 (a4 she reviewed)
        {"reviewer": "bob", "claim": 1, "quote": 0, "total": 1},  # a2
        {"reviewer": None, "claim": 2, "quote": 0, "total": 2},  # b1, c1 (a5 dismissed)
    ]
    flow = {day["day"]: day for day in daily_flow(now=timezone.now())}
    assert len(flow) == 30
    decided = {day: figures["decided"] for day, figures in flow.items() if any(figures["decided"].values())}
    assert decided == {
        _day(4): {"claim": 1, "quote": 0},  # d1
        _day(2): {"claim": 1, "quote": 0},  # a1
        _day(1): {"claim": 1, "quote": 0},  # a6
        _day(0): {"claim": 0, "quote": 1},  # b2
    }
    backlog = {day: figures["backlog"] for day, figures in flow.items()}
    assert backlog[_day(6)] == {"claim": 0, "quote": 0}
    assert backlog[_day(5)] == {"claim": 2, "quote": 0}  # c1, d1 created
    assert backlog[_day(4)] == {"claim": 1, "quote": 0}  # d1 decided
    assert backlog[_day(3)] == {"claim": 4, "quote": 0}  # a1, a2, a6 created
    assert backlog[_day(2)] == {"claim": 4, "quote": 1}  # b1, b2 created; a1 decided
    assert backlog[_day(1)] == {"claim": 4, "quote": 2}  # a3, a4 created; a6 decided
    assert backlog[_day(0)] == {"claim": 4, "quote": 1}  # b2 decided: a2, a3, b1, c1 and a4 left


def test_page_shows_article_progress_waiting_and_agreement(editor_browser, desk):
    desk_snapshot_refresh()

    response = editor_browser.get(URL)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["article"].title for row in rows] == ["Open article", "Blind article"]  # not C (published), D (done)
    open_row, blind_row = rows
    assert (blind_row["reviewed"], blind_row["total"], blind_row["waiting_total"]) == (2, 5, 1)
    assert [(link["kind"], link["n"]) for link in blind_row["open"]] == [("claim", 2), ("quote", 1)]
    expected = agreement_report({desk.a1.pk: {"alice": "correct", "bob": "correct"},
                                 desk.a6.pk: {"alice": "correct", "bob": "disputed"}})
    assert blind_row["agreement"]["items"] == 2
    assert blind_row["agreement"]["alpha"] == expected["krippendorff_alpha"]
    assert blind_row["agreement"]["kappa_min"] == expected["pairs"][0]["kappa"]
    assert (open_row["reviewed"], open_row["total"], open_row["waiting_total"]) == (1, 2, 0)
    assert open_row["agreement"]["alpha"] is None  # b2 has one review
    assert response.context["open_total"] == 5
    assert response.context["waiting_total"] == 1
    html = response.content.decode()
    assert '<span class="desk-figure" id="open-total">5</span>' in html
    assert f'href="/review/articles/{desk.a.pk}/"' in html


def test_every_figure_links_to_a_list_of_the_same_count(editor_browser, editor, desk):
    desk_snapshot_refresh()
    html = editor_browser.get(URL).content.decode()
    api = _client_for(editor)

    links = re.findall(r'<a class="desk-link" href="([^"]+)" data-kind="(\w+)">(\d+) ', html)
    assert len(links) > 120, "the open, waiting, workload, day and article figures should each be a link"
    for href, kind, shown in links:
        url = html_lib.unescape(href)
        assert url.startswith(f"/api/v1/{kind}s/?"), url
        response = api.get(url)
        assert response.status_code == 200, (url, response.json())
        assert response.json()["count"] == int(shown), f"{url} lists {response.json()['count']}, the page says {shown}"
    agreement = api.get(f"/api/v1/stats/agreement/?article={desk.a.pk}").json()
    assert f'href="/api/v1/stats/agreement/?article={desk.a.pk}"' in html
    assert agreement["items"] == 2
    # The day columns link to the same lists as the table.
    assert html_lib.unescape(re.search(r'<a href="([^"]+)" aria-label="[^"]+: 1 quotes decided"', html).group(1)) == (
        f"/api/v1/quotes/?decided_on={_day(0)}&dismissed=false"
    )


def test_editor_who_is_not_staff_opens_it_other_roles_get_403_anonymous_logs_in(client, editor, reviewer, viewer):
    client.force_login(editor)
    assert client.get(URL).status_code == 200
    assert 'href="/review/desk/"' in client.get("/review/").content.decode()  # the nav link
    for user in (reviewer, viewer):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403
        assert 'href="/review/desk/"' not in client.get("/review/").content.decode()
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_blind_article_figures_are_the_editors_and_reviewers_cannot_list_them(editor, desk):
    """The page counts what editors see (every verdict); the lists behind it keep blind mode for
    the reviewers: bob, who has not reviewed a2, is not told it waits on a second review."""
    editor_api, bob_api = _client_for(editor), _client_for(desk.bob)
    waiting = f"/api/v1/claims/?article={desk.a.pk}&waiting_second=true"

    assert [row["id"] for row in editor_api.get(waiting).json()["results"]] == [desk.a2.pk]
    assert bob_api.get(waiting).json()["count"] == 0
    assert _client_for(desk.alice).get(waiting).json()["count"] == 1  # she reviewed it
    assert bob_api.get("/api/v1/claims/?workload=alice").status_code == 400
    assert bob_api.get("/api/v1/claims/?workload=bob").json()["count"] == 1
    # a1 was decided two days ago, on a blind article bob reviewed: he may see it; a6 too.
    assert bob_api.get(f"/api/v1/claims/?decided_on={_day(2)}").json()["count"] == 1
    # alice reviewed every one of A's items but a3; to a viewer they are all unverified.
    viewer = _client_for(UserFactory(username="vera", role="viewer"))
    assert viewer.get(f"/api/v1/claims/?article={desk.a.pk}&decided_on={_day(2)}").json()["count"] == 0
    assert viewer.get(f"/api/v1/claims/?article={desk.a.pk}&unverified_at={_day(0)}&dismissed=false").json()[
        "count"
    ] == 4  # a1, a2, a3, a6: the viewer is shown each as unverified


def test_query_count_does_not_grow_with_the_desk(editor_browser, django_assert_num_queries, desk):
    desk_snapshot_refresh()
    # The queries: session, user, roles; the snapshot row; the articles' count and page; item
    # counts, waiting items and reviews of the page's articles.
    with django_assert_num_queries(9):
        editor_browser.get(URL)
    for number in range(30):
        article = article_with_revision(body=BODY, title=f"More {number}")
        item = ItemFactory(revision=article.current_revision, start=0, length=3, assigned_to=desk.alice)
        Review.objects.create(item=item, reviewer=desk.bob, verdict=CORRECT)
        Review.objects.create(item=ItemFactory(revision=article.current_revision, start=4, length=3),
                              reviewer=desk.alice, verdict=DISPUTED)
    desk_snapshot_refresh()

    with django_assert_num_queries(9):
        response = editor_browser.get(URL)

    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.count == 32


def test_a_stale_snapshot_is_recomputed_by_the_page(editor_browser, desk):
    desk_snapshot_refresh(now=timezone.now() - dt.timedelta(days=1))
    ItemFactory(revision=desk.b.current_revision, start=10, length=3)

    response = editor_browser.get(URL)

    assert response.context["open_total"] == 6
