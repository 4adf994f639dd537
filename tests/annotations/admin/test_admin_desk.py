"""The admin for staff: no add form that cannot work, publish and reopen through the services, no 500."""

from __future__ import annotations

import pytest
from django.contrib import admin

from annotations.models import Article, HistoryEvent
from tests.factories import ItemFactory, UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on


@pytest.fixture
def boss(client, db):
    user = UserFactory(username="boss", role="editor", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def article(db):
    article = article_with_revision(body=BODY, title="Jobs")
    item_on(article, SENTENCE_1, status="correct")
    item_on(article, SENTENCE_2)  # unverified
    return article


@pytest.mark.django_db
def test_articles_cannot_be_added_in_the_admin_so_the_add_form_cannot_crash(client, boss, article):
    add_page = client.get("/admin/annotations/article/add/")
    add_post = client.post("/admin/annotations/article/add/", {"title": "Bare row"})
    changelist = client.get("/admin/annotations/article/")

    assert add_page.status_code == add_post.status_code == 403
    assert b"/admin/annotations/article/add/" not in changelist.content
    assert Article.objects.count() == 1
    assert client.get("/admin/annotations/extractionjob/add/").status_code == 403


@pytest.mark.django_db
def test_publish_action_publishes_through_the_service_and_warns_of_unverified_items(client, boss, article):
    response = client.post(
        "/admin/annotations/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )

    article.refresh_from_db()
    assert response.status_code == 200
    assert article.is_published and article.published_by == boss
    assert HistoryEvent.objects.filter(article=article, action="publish", actor=boss).count() == 1
    messages = [str(message) for message in response.context["messages"]]
    assert "1 article(s) published." in messages
    assert f"Published with unverified items (article {article.pk}: 1); reopen to review them." in messages


@pytest.mark.django_db
def test_publishing_twice_is_skipped_with_the_reason_and_reopen_reopens(client, boss, article):
    selected = {"_selected_action": [article.pk]}
    client.post("/admin/annotations/article/", {"action": "publish_selected", **selected})

    again = client.post("/admin/annotations/article/", {"action": "publish_selected", **selected}, follow=True)
    reopened = client.post("/admin/annotations/article/", {"action": "reopen_selected", **selected}, follow=True)

    again_messages = [str(message) for message in again.context["messages"]]
    assert "0 article(s) published." in again_messages
    assert any("already published" in message for message in again_messages)
    assert "1 article(s) reopened." in [str(message) for message in reopened.context["messages"]]
    article.refresh_from_db()
    assert not article.is_published
    assert HistoryEvent.objects.filter(article=article, action="reopen").count() == 1


@pytest.mark.django_db
def test_staff_without_the_editor_role_cannot_publish(client, article):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", role="reviewer", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(clerk)

    response = client.post(
        "/admin/annotations/article/", {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )

    assert "Only editors may do this: ask for the editor role." in [str(m) for m in response.context["messages"]]
    article.refresh_from_db()
    assert not article.is_published


@pytest.mark.django_db
def test_no_admin_page_answers_500(client, boss, article):
    ItemFactory(revision=article.current_revision, start=0, length=5)
    failures = []
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages = [base, f"{base}add/"]
        first = model_admin.get_queryset(type("Request", (), {"user": boss})()).first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
        for page in pages:
            status = client.get(page).status_code
            if status >= 500:
                failures.append(f"{page}: {status}")
    assert failures == [], "admin pages that crash: " + ", ".join(failures)
