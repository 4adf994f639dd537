"""Bulk actions of the admin go through the services: versioned, recorded in the history."""

from __future__ import annotations

import pytest

from annotations.models import ExtractionJob, HistoryEvent, Item
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on

CLAIMS = "/admin/annotations/claim/"


@pytest.fixture
def editor_admin(client, db):
    boss = UserFactory(username="boss", role="editor", is_staff=True, is_superuser=True)
    client.force_login(boss)
    return client


@pytest.fixture
def claims(db) -> list[Item]:
    article = article_with_revision(body=BODY, title="Jobs")
    return [item_on(article, SENTENCE_1), item_on(article, SENTENCE_2)]


def _act(client, action: str, items: list[Item], **fields):
    data = {"action": action, "_selected_action": [item.pk for item in items], "index": 0, **fields}
    return client.post(CLAIMS, data, follow=True)


@pytest.mark.django_db
def test_bulk_assign_records_one_history_event_per_item_and_bumps_versions(editor_admin, claims, reviewer):
    response = _act(editor_admin, "assign_selected", claims, assignee=reviewer.pk)

    assert response.status_code == 200
    assert "2 item(s) assigned to reviewer" in response.content.decode()
    assert set(Item.objects.values_list("assigned_to__username", "version")) == {("reviewer", 2)}
    events = HistoryEvent.objects.filter(action=HistoryEvent.Action.ASSIGN)
    assert sorted(events.values_list("item_id", flat=True)) == sorted(item.pk for item in claims)
    assert {event.after["assigned_to"] for event in events} == {"reviewer"}


@pytest.mark.django_db
def test_bulk_set_status_is_an_editors_resolution_in_the_history(editor_admin, claims):
    _act(editor_admin, "set_status_selected", claims, status="disputed", note="Checked against the survey")

    assert set(Item.objects.values_list("status", "resolution_status")) == {("disputed", "disputed")}
    resolutions = HistoryEvent.objects.filter(action=HistoryEvent.Action.RESOLVE)
    assert resolutions.count() == 2
    assert resolutions.first().after["resolution_note"] == "Checked against the survey"
    assert HistoryEvent.objects.filter(action=HistoryEvent.Action.STATUS).count() == 2


@pytest.mark.django_db
def test_bulk_set_status_needs_a_status(editor_admin, claims):
    response = _act(editor_admin, "set_status_selected", claims, status="")

    assert "Choose a status" in response.content.decode()
    assert not HistoryEvent.objects.exists()


@pytest.mark.django_db
def test_bulk_actions_skip_items_of_published_articles(editor_admin, claims, reviewer):
    from django.utils import timezone

    article = claims[0].revision.article
    article.published_at = timezone.now()
    article.save()

    response = _act(editor_admin, "assign_selected", claims, assignee=reviewer.pk)

    assert "skipped: 2 on a published article" in response.content.decode()
    assert not HistoryEvent.objects.exists()


@pytest.mark.django_db
def test_bulk_reextract_makes_a_new_current_job_and_publishes_it_after_commit(
    editor_admin, claims, published_jobs, django_capture_on_commit_callbacks
):
    article = claims[0].revision.article
    old_job = article.current_job_id

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(editor_admin, "reextract_articles_of_selected", claims)

    article.refresh_from_db()
    assert "1 article(s) queued for extraction" in response.content.decode()
    assert article.current_job_id != old_job
    assert ExtractionJob.objects.get(pk=article.current_job_id).revision_id == article.current_revision_id
    assert published_jobs == [article.current_job_id]


@pytest.mark.django_db
def test_staff_without_the_editor_role_cannot_bulk_decide(client, claims):
    client.force_login(UserFactory(username="clerk", is_staff=True, is_superuser=False))
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_claim", "change_claim"]))

    response = _act(client, "set_status_selected", claims, status="correct")

    assert "Only editors" in response.content.decode()
    assert not HistoryEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?status__exact=unverified", "?assigned=nobody", "?score=high", "?age=day", "?q=unemployment"]
)
def test_item_list_filters_and_search_keep_a_fixed_query_count(editor_admin, query, django_assert_max_num_queries):
    for _ in range(25):
        item_on(article_with_revision(body=BODY), SENTENCE_1, score=0.9)

    with django_assert_max_num_queries(12):
        response = editor_admin.get(CLAIMS + query)

    assert response.status_code == 200
