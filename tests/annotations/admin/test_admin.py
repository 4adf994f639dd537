"""The admin's list pages render for a staff user with a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ItemFactory, UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on

PAGES = [
    "/admin/annotations/article/",
    "/admin/annotations/extractionjob/",
    "/admin/annotations/claim/",
    "/admin/annotations/quote/",
    "/admin/annotations/review/",
    "/admin/annotations/historyevent/",
]


@pytest.fixture
def admin_client_with_data(client, db):
    for _ in range(15):
        item_on(article_with_revision(body=BODY), SENTENCE_1)
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_admin_list_pages_render_without_a_query_per_row(admin_client_with_data, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client_with_data.get(path)

    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_item_page_shows_reviews_and_history(admin_client_with_data, reviewer_client):
    from annotations.models import Item

    claim = Item.objects.first()
    reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        {"verdict": "correct", "rationale": "Matches the labour survey."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    page = admin_client_with_data.get(f"/admin/annotations/claim/{claim.pk}/change/")

    assert page.status_code == 200
    assert b"Matches the labour survey." in page.content  # the review inline
    assert b"Review submitted" in page.content  # the history inline


@pytest.mark.django_db
def test_admin_cannot_publish_or_delete_behind_the_services_back(admin_client_with_data):
    from annotations.models import Article, Item

    article = Article.objects.first()
    item = Item.objects.first()

    form = admin_client_with_data.get(f"/admin/annotations/article/{article.pk}/change/")
    delete_article = admin_client_with_data.get(f"/admin/annotations/article/{article.pk}/delete/")
    delete_item = admin_client_with_data.get(f"/admin/annotations/claim/{item.pk}/delete/")

    assert form.status_code == 200
    assert b'name="blind_review"' not in form.content and b'name="published_at_0"' not in form.content
    assert delete_article.status_code == 403 and delete_item.status_code == 403


@pytest.mark.django_db
def test_age_filter_lists_the_items_the_dashboard_counts_in_each_backlog_bucket(client):
    from django.utils import timezone

    from annotations.dashboard.figures import unverified_backlog

    revision = article_with_revision(body=BODY).current_revision
    now = timezone.now()
    ages = [dt.timedelta(hours=2), dt.timedelta(days=3), dt.timedelta(days=6), dt.timedelta(days=20),
            dt.timedelta(days=45), dt.timedelta(days=400)]
    for offset, age in enumerate(ages):
        ItemFactory(revision=revision, start=offset, length=3, created_at=now - age)
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))

    listed = {}
    for value in ("day", "week", "month", "older"):
        response = client.get(f"/admin/annotations/claim/?age={value}")
        assert response.status_code == 200
        listed[value] = response.context["cl"].queryset.count()
    changelist = response.context["cl"]
    age_filter = next(spec for spec in changelist.filter_specs if spec.title == "age")
    choices = [choice["display"] for choice in age_filter.choices(changelist)]

    counted = unverified_backlog(now=timezone.now())["by_age"]
    assert list(listed.values()) == [n for _label, n in counted] == [1, 2, 1, 2]
    assert choices[1:] == [label for label, _n in counted], "the filter's choices are the dashboard's buckets"
