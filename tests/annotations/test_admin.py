"""The admin's list pages render for a staff user with a bounded number of queries."""

from __future__ import annotations

import pytest

from tests.annotations.test_review_api import BODY, SENTENCE_1, _claim
from tests.factories import UserFactory, article_with_revision

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
        _claim(article_with_revision(body=BODY), SENTENCE_1)
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
