"""The article list page: sorting (a whitelist kept across pages), dates and who added each
article, extraction failures in words, and a query count that does not grow with the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import ArticleRevision, ExtractionJob, Review
from annotations.rules.spans import content_hash
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, QUOTE, SENTENCE_1, SENTENCE_2, item_on

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def reviewer_browser(client, reviewer):
    client.force_login(reviewer)
    return client


def _article(title: str, *, days_ago: int, statuses: tuple[str, ...] = ()):
    """An article added ``days_ago`` days ago with one live claim per status in ``statuses``."""
    article = article_with_revision(body=BODY, title=title, created_at=NOW - dt.timedelta(days=days_ago))
    for words, status in zip((SENTENCE_1, SENTENCE_2, QUOTE), statuses, strict=False):
        item_on(article, words, status=status)
    return article


@pytest.fixture
def three_articles(db):
    """Titles, ages and review states that order differently under every sort."""
    return {
        "budget": _article("budget vote", days_ago=2, statuses=("unverified", "unverified", "correct")),
        "zoning": _article("Zoning plan", days_ago=1, statuses=("correct", "disputed")),
        "airport": _article("Airport delays", days_ago=3, statuses=("unverified",)),
    }


# The column each sort orders by, and the direction its aria-sort says.
SORTED_HEADERS = {
    "newest": ("descending", "Added"),
    "oldest": ("ascending", "Added"),
    "title": ("ascending", "Title"),
    "unverified": ("descending", "Progress"),
    "least-reviewed": ("ascending", "Progress"),
}


def _titles(client, **params) -> list[str]:
    return [row["article"].title for row in client.get("/review/", params).context["rows"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Zoning plan", "budget vote", "Airport delays"]),
        ("oldest", ["Airport delays", "budget vote", "Zoning plan"]),
        ("title", ["Airport delays", "budget vote", "Zoning plan"]),  # case does not matter
        ("unverified", ["budget vote", "Airport delays", "Zoning plan"]),  # 2, 1, 0
        ("least-reviewed", ["Airport delays", "budget vote", "Zoning plan"]),  # 0, 1, 2 reviewed
    ],
)
def test_each_sort_of_the_whitelist_orders_the_list(reviewer_browser, three_articles, sort, expected):
    response = reviewer_browser.get("/review/", {"sort": sort})

    assert response.status_code == 200
    assert [row["article"].title for row in response.context["rows"]] == expected
    assert response.context["sort"] == sort
    html = response.content.decode()
    assert f'<option value="{sort}" selected>' in html
    sorted_header = re.search(r'<th aria-sort="(\w+)">(\w+)</th>', html)
    assert sorted_header, "the header of the column the list is sorted by should carry aria-sort"
    assert sorted_header.groups() == SORTED_HEADERS[sort]


@pytest.mark.django_db
@pytest.mark.parametrize("bad_sort", ["-created_at", "title; DROP TABLE", "added_by__password", ""])
def test_a_sort_outside_the_whitelist_falls_back_to_newest_first(reviewer_browser, three_articles, bad_sort):
    response = reviewer_browser.get("/review/", {"sort": bad_sort})

    assert response.status_code == 200
    assert response.context["sort"] == "newest"
    assert _titles(reviewer_browser, sort=bad_sort) == ["Zoning plan", "budget vote", "Airport delays"]
    assert "Sorted by: <strong>newest first</strong>" in response.content.decode()


@pytest.mark.django_db
def test_untitled_articles_come_last_when_sorted_by_title(reviewer_browser, three_articles):
    _article("", days_ago=0)

    assert _titles(reviewer_browser, sort="title")[-1] == ""


@pytest.mark.django_db
def test_sorting_by_counts_never_orders_by_statuses_blind_mode_hides(reviewer_browser):
    """A reviewer who has not reviewed a blind article sees its statuses as unverified; sorting
    by "least reviewed" must treat them so, or the order would tell what the page hides."""
    blind = _article("Blind one", days_ago=1, statuses=("correct", "correct"))
    blind.blind_review = True
    blind.save()
    _article("Open one", days_ago=2, statuses=("correct", "unverified"))

    assert _titles(reviewer_browser, sort="least-reviewed") == ["Blind one", "Open one"]  # 0 shown, 1
    assert _titles(reviewer_browser, sort="unverified") == ["Blind one", "Open one"]  # 2 shown, 1


@pytest.mark.django_db
def test_sorting_by_counts_uses_the_statuses_a_reviewer_sees_after_reviewing_and_an_editor_sees(
    client, reviewer, editor
):
    blind = _article("Blind one", days_ago=1, statuses=("correct", "correct", "correct"))
    blind.blind_review = True
    blind.save()
    _article("Open one", days_ago=2, statuses=("correct", "unverified"))
    reviewed = blind.current_revision.items.order_by("start").first()
    Review.objects.create(item=reviewed, reviewer=reviewer, verdict="correct")

    client.force_login(reviewer)  # sees the one item it reviewed: 1 reviewed and 2 hidden on each
    assert _titles(client, sort="least-reviewed") == ["Blind one", "Open one"]  # 1, 1: more left first
    assert _titles(client, sort="unverified") == ["Blind one", "Open one"]  # 2, 1
    client.force_login(editor)  # sees every status
    assert _titles(client, sort="least-reviewed") == ["Open one", "Blind one"]  # 1, 3
    assert _titles(client, sort="unverified") == ["Open one", "Blind one"]  # 1, 0


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "unverified", "least-reviewed"])
def test_the_list_runs_the_same_queries_for_5_or_30_articles_under_every_sort(
    reviewer_browser, reviewer, sort, django_assert_num_queries
):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_browser.get("/review/", {"sort": sort}).status_code == 200
        return len(captured)

    for number in range(5):
        item_on(_article(f"Report {number}", days_ago=number), SENTENCE_1, assigned_to=reviewer)
    with_five = queries_for_page()
    for number in range(5, 30):
        item_on(_article(f"Report {number}", days_ago=number), SENTENCE_1, status="correct")

    # session, user, my roles, the capped count, the page's articles (job, added_by and the
    # revision without its body joined; sort counts as subqueries), item counts, my assignments
    with django_assert_num_queries(7):
        response = reviewer_browser.get("/review/", {"sort": sort})
    assert len(response.context["rows"]) == 30
    assert with_five == queries_for_page() == 7


@pytest.mark.django_db
def test_each_row_shows_when_and_by_whom_it_was_added_and_when_its_text_was_revised(reviewer_browser):
    alice = UserFactory(username="alice", role="editor")
    added = dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC)
    article = article_with_revision(body=BODY, title="Budget vote", added_by=alice, created_at=added)
    revision = ArticleRevision.objects.create(
        article=article, number=2, body=BODY + " More.", content_hash=content_hash(BODY + " More."),
        created_at=added + dt.timedelta(days=1, hours=5, minutes=30),
    )
    article.current_revision = revision
    article.save()
    article_with_revision(body=BODY, title="Never revised")  # its one revision written with it

    page = reviewer_browser.get("/review/").content.decode()

    assert '<time datetime="2026-12-01T09:05:00+00:00">2026-12-01 09:05</time> by alice' in page
    assert 'text revised <time datetime="2026-12-02T14:35:00+00:00">2026-12-02 14:35</time>' in page
    assert page.count("text revised") == 1  # a first revision written with the article is not a revision
    assert "Times are UTC." in page


@pytest.mark.django_db
def test_a_failed_extraction_says_why_in_words_and_links_to_the_article(reviewer_browser):
    article = article_with_revision(body=BODY, title="Budget vote")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(
        status="failed", last_error="Could not fetch https://example.org/budget: HTTP 404"
    )

    page = reviewer_browser.get("/review/").content.decode()

    assert "Extraction failed: Could not fetch https://example.org/budget: HTTP 404" in page
    assert f'<a href="/review/articles/{article.pk}/">Open the article to retry</a>' in page


@pytest.mark.django_db
def test_a_queued_extraction_shows_how_long_it_has_waited(reviewer_browser):
    article = article_with_revision(body=BODY, title="Budget vote")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(created_at=timezone.now() - dt.timedelta(minutes=4))

    page = reviewer_browser.get("/review/").content.decode()

    assert "queued <time datetime=" in page
    assert "4\xa0minutes ago</time>" in page
    article_with_revision(body=BODY, title="Just added")
    assert "just now</time>" in reviewer_browser.get("/review/").content.decode()


@pytest.mark.django_db
def test_page_links_keep_the_sort_the_search_and_the_filters(reviewer_browser):
    for number in range(51):
        _article(f"Report {number}", days_ago=number)

    page = reviewer_browser.get("/review/", {"sort": "oldest", "q": "report", "status": "queued", "mine": ""})
    html = page.content.decode()

    assert [row["article"].title for row in page.context["rows"]][:2] == ["Report 50", "Report 49"]
    next_link = re.search(r'href="\?([^"]+)">Next</a>', html)
    assert next_link, "the first of two pages should link to the next"
    assert QueryDict(next_link.group(1).replace("&amp;", "&")).dict() == {
        "q": "report", "status": "queued", "mine": "", "sort": "oldest", "page": "2",
    }
    second = reviewer_browser.get("/review/", {"sort": "oldest", "q": "report", "status": "queued", "page": 2})
    assert [row["article"].title for row in second.context["rows"]] == ["Report 0"]


@pytest.mark.django_db
def test_each_row_says_who_has_the_article_open_now_and_forgets_who_left(reviewer_browser, three_articles):
    from annotations.live import presence

    presence.presence_forget_all()
    budget, zoning = three_articles["budget"], three_articles["zoning"]
    presence.presence_put(article_id=budget.pk, connection="tab-1", user="rita", item=None, typing=False)
    presence.presence_put(article_id=budget.pk, connection="tab-2", user="rita", item=3, typing=True)
    presence.presence_put(article_id=budget.pk, connection="tab-3", user="sam", item=None, typing=False)
    presence.presence_put(article_id=zoning.pk, connection="tab-4", user="sam", item=None, typing=False)
    presence.presence_drop(article_id=zoning.pk, connection="tab-4")

    rows = {row["article"].pk: row["open_by"] for row in reviewer_browser.get("/review/").context["rows"]}
    html = reviewer_browser.get("/review/").content.decode()
    presence.presence_forget_all()

    assert rows == {budget.pk: ["rita", "sam"], zoning.pk: [], three_articles["airport"].pk: []}
    assert '<td data-label="Open now" class="open-now">rita, sam</td>' in html
