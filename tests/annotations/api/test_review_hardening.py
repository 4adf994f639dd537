"""Cases found by reading the code adversarially: leaks, 500s, races, superseded work."""

from __future__ import annotations

import pytest

from annotations.models import ExtractionJob, Item
from annotations.services.items import item_write_at_current_version
from annotations.services.queue import extraction_job_complete, extraction_job_start
from annotations.services.revisions import article_revise
from factcheck.errors import NotFound, StaleVersion
from tests.conftest import _client_for
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on, review_post, second_reviewer
from workers import extraction


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/claims/abc/history/"),
        ("get", "/api/v1/claims/abc/reviews/"),
        ("post", "/api/v1/claims/abc/reviews/"),
        ("patch", "/api/v1/claims/abc/"),
        ("patch", "/api/v1/articles/abc/"),
        ("post", "/api/v1/articles/abc/publish/"),
        ("get", "/api/v1/articles/abc/claims/"),
        ("get", "/api/v1/quotes/1e5/"),
    ],
)
def test_non_numeric_ids_are_404_not_500(editor_client, method, path):
    response = getattr(editor_client, method)(path, {}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/queue/", {"limit": "²"}),
        ("/api/v1/stats/agreement/", {"article": "²"}),
        ("/api/v1/claims/", {"article": "9" * 25}),
        ("/api/v1/claims/", {"revision": "-1"}),
        ("/api/v1/claims/", {"min_score": "7"}),
    ],
)
def test_out_of_range_numbers_are_400_not_500(editor_client, path, params):
    response = editor_client.get(path, params)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]


@pytest.mark.django_db
def test_absurd_if_match_is_412_not_500(reviewer_client, article):
    claim = item_on(article, SENTENCE_1)

    response = review_post(reviewer_client, claim, "correct", version="9" * 5000)

    assert response.status_code == 412


@pytest.mark.django_db
def test_blind_mode_hides_status_events_and_agreement_from_reviewers_who_have_not_reviewed(
    editor_client, reviewer_client, article
):
    claim = item_on(article, SENTENCE_1)
    editor_client.patch(f"/api/v1/articles/{article.pk}/", {"blind_review": True}, format="json")
    review_post(second_reviewer(), claim, "disputed")
    review_post(_client_for(UserFactory(username="reviewer3", role="reviewer")), claim, "disputed")
    assert Item.objects.get(pk=claim.pk).status == "disputed"  # quorum reached by the others

    history = reviewer_client.get(f"/api/v1/claims/{claim.pk}/history/").json()["results"]
    agreement = reviewer_client.get("/api/v1/stats/agreement/", {"article": article.pk}).json()
    editors_view = editor_client.get("/api/v1/stats/agreement/", {"article": article.pk}).json()

    assert [event["action"] for event in history] == []
    assert agreement["items"] == 0 and agreement["pairs"] == []
    assert editors_view["items"] == 1


@pytest.mark.django_db
def test_a_job_superseded_by_new_text_writes_nothing(editor, article, published_jobs):
    old_job = article.current_job_id
    assert extraction_job_start(job_id=old_job) is not None
    article_revise(article_id=article.pk, editor=editor, text=BODY + " A new sentence with 3 facts.")

    written = extraction_job_complete(job_id=old_job, extraction=extraction.extract(BODY))

    job = ExtractionJob.objects.get(pk=old_job)
    assert written == 0 and job.status == "done" and "Superseded" in job.last_error
    assert not Item.objects.filter(revision__number=1).exists()


@pytest.mark.django_db
def test_a_superseded_job_that_never_started_does_not_run(editor, article, published_jobs):
    old_job = article.current_job_id
    article_revise(article_id=article.pk, editor=editor, text=BODY + " More.")

    assert extraction_job_start(job_id=old_job) is None
    assert "Superseded" in ExtractionJob.objects.get(pk=old_job).last_error


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_broker_error_keeps_the_article_and_answers_201(editor_client, monkeypatch):
    from factcheck.celery import app

    def refuse(*args, **kwargs):
        raise RuntimeError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(app, "send_task", refuse)

    response = editor_client.post("/api/v1/articles/", {"text": "The river rose by 3 metres."}, format="json")

    assert response.status_code == 201
    job = ExtractionJob.objects.get(article_id=response.json()["id"])
    assert job.status == "queued" and "Broker refused the message" in job.last_error


@pytest.mark.django_db
def test_health_check_does_not_describe_the_database_error(client, monkeypatch):
    from django.db import OperationalError, connection

    def broken(*args, **kwargs):
        raise OperationalError('password authentication failed for user "factcheck" at db.internal')

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert b"db.internal" not in response.content


@pytest.mark.django_db
def test_a_writer_without_a_version_of_its_own_retries_once_when_the_item_moves_meanwhile(article):
    claim = item_on(article, SENTENCE_1)
    seen: list[int] = []

    def write(item: Item) -> int:
        seen.append(item.version)
        if len(seen) == 1:  # someone else changes the item between the read and the write
            Item.objects.filter(pk=item.pk).update(version=item.version + 1)
            raise StaleVersion("changed meanwhile", current=item)
        return item.version

    assert item_write_at_current_version(item_id=claim.pk, write=write) == claim.version + 1
    assert seen == [claim.version, claim.version + 1]


@pytest.mark.django_db
def test_a_writer_without_a_version_gives_up_after_the_second_stale_try_or_a_missing_item(article):
    claim = item_on(article, SENTENCE_1)
    tries: list[int] = []

    def always_stale(item: Item) -> None:
        tries.append(item.pk)
        raise StaleVersion("changed meanwhile", current=item)

    with pytest.raises(StaleVersion):
        item_write_at_current_version(item_id=claim.pk, write=always_stale)
    assert tries == [claim.pk, claim.pk]
    with pytest.raises(NotFound):
        item_write_at_current_version(item_id=claim.pk + 1000, write=always_stale)
