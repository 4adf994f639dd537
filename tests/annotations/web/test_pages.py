"""The review pages rendered by Django: login, the article list and the review page's shell."""

from __future__ import annotations

import json

import pytest

from annotations.models import Item
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on


@pytest.fixture
def reviewer_browser(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.mark.django_db
def test_pages_need_a_login_and_send_to_the_login_form(client):
    for path in ["/review/", "/review/articles/1/", "/"]:
        response = client.get(path, follow=True)

        assert response.redirect_chain, f"{path} should redirect an anonymous visitor"
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")


@pytest.mark.django_db
def test_login_form_logs_in_and_lands_on_the_article_list(client):
    user = UserFactory(username="rita", role="reviewer")
    user.set_password("a long passphrase")
    user.save()

    response = client.post("/accounts/login/", {"username": "rita", "password": "a long passphrase"}, follow=True)

    assert response.redirect_chain[-1][0] == "/review/"
    assert b"Articles" in response.content


@pytest.mark.django_db
def test_article_list_shows_progress_and_my_assignments_without_a_query_per_row(
    reviewer_browser, reviewer, django_assert_max_num_queries
):
    for number in range(20):
        article = article_with_revision(body=BODY, title=f"Jobs report {number}")
        item_on(article, SENTENCE_1, status=Item.Status.CORRECT, assigned_to=reviewer)
        item_on(article, SENTENCE_2)

    with django_assert_max_num_queries(8):
        response = reviewer_browser.get("/review/")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 20
    assert rows[0]["counts"]["claims"] == {"unverified": 1, "correct": 1, "disputed": 0, "total": 2}
    assert rows[0]["assigned_to_me"] == 1
    assert rows[0]["progress"]["reviewed"] == 1


@pytest.mark.django_db
def test_article_list_filters_by_title_and_by_assigned_to_me(reviewer_browser, reviewer):
    mine = article_with_revision(body=BODY, title="Exports boom")
    item_on(mine, SENTENCE_2, assigned_to=reviewer)
    article_with_revision(body=BODY, title="Jobs report")

    searched = reviewer_browser.get("/review/", {"q": "exports"}).context["rows"]
    assigned = reviewer_browser.get("/review/", {"mine": "1"}).context["rows"]

    assert [row["article"].pk for row in searched] == [mine.pk]
    assert [row["article"].pk for row in assigned] == [mine.pk]


@pytest.mark.django_db
def test_titles_with_markup_are_escaped_on_the_list_and_the_review_page(reviewer_browser):
    article = article_with_revision(body=BODY, title='<script>alert("x")</script><img src=x onerror=alert(1)>')

    listing = reviewer_browser.get("/review/").content.decode()
    page = reviewer_browser.get(f"/review/articles/{article.pk}/").content.decode()

    for html in (listing, page):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


@pytest.mark.django_db
def test_review_page_hands_the_script_its_article_roles_and_csrf_cookie(reviewer_browser, reviewer):
    article = article_with_revision(body=BODY, title="Jobs")

    response = reviewer_browser.get(f"/review/articles/{article.pk}/")

    assert response.status_code == 200
    config = json.loads(response.content.decode().split('id="review-config" type="application/json">')[1].split("<")[0])
    assert config["article"] == article.pk
    assert config["apiRoot"] == "/api/v1/"
    assert config["user"] == "reviewer" and config["canReview"] is True and config["isEditor"] is False
    assert "csrftoken" in response.cookies
    assert b"annotations/review.js" in response.content
    assert b'id="shortcuts"' in response.content


@pytest.mark.django_db
def test_review_page_of_a_missing_article_is_404(reviewer_browser):
    assert reviewer_browser.get("/review/articles/999999/").status_code == 404


@pytest.mark.django_db
def test_session_login_can_write_through_the_api_with_the_csrf_token(client, reviewer):
    """The page's script posts with the session cookie; DRF's SessionAuthentication enforces CSRF."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    article = article_with_revision(body=BODY, title="Jobs")
    claim = item_on(article, SENTENCE_1)
    token = browser.get(f"/review/articles/{article.pk}/").cookies["csrftoken"].value
    body = json.dumps({"verdict": "disputed", "rationale": "The survey says 4.3."})

    without = browser.post(
        f"/api/v1/claims/{claim.pk}/reviews/", body, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    with_token = browser.post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        body,
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        HTTP_X_CSRFTOKEN=token,
    )

    assert without.status_code == 403
    assert with_token.status_code == 201, with_token.content


@pytest.mark.django_db
@pytest.mark.attack(
    "review pages",
    "an account with no desk role opens the article list and a review page",
    "403 page naming whom to ask (an editor or the desk's admin); no title, publisher or URL shown",
)
def test_an_account_with_no_desk_role_gets_a_403_that_says_whom_to_ask(client):
    article = article_with_revision(body=BODY, title="Secret ministry leak")
    article.publisher = "The Daily Example"
    article.source_url = "https://news.example.org/leak"
    article.save()
    client.force_login(UserFactory(username="newcomer"))

    for path in ["/review/", f"/review/articles/{article.pk}/", "/review/?q=leak"]:
        response = client.get(path)

        html = response.content.decode()
        assert response.status_code == 403, f"{path} should refuse an account with no desk role"
        assert "no desk role" in html and "an editor" in html and "admin" in html
        assert "newcomer" in html  # says which account to give a role to
        for secret in ("Secret ministry leak", "The Daily Example", "news.example.org"):
            assert secret not in html, f"{path} leaked {secret!r}"


@pytest.mark.django_db
def test_every_desk_role_still_sees_the_review_pages(client):
    article = article_with_revision(body=BODY, title="Jobs")
    for role in ("viewer", "reviewer", "editor"):
        client.force_login(UserFactory(username=f"a-{role}", role=role))

        assert client.get("/review/").status_code == 200
        assert client.get(f"/review/articles/{article.pk}/").status_code == 200
