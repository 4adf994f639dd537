"""``POST /api/v1/articles/{id}/extract/``: an editor queues extraction again after a failed job."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from annotations.models import Article, ExtractionJob, HistoryEvent
from tests.factories import ArticleFactory, article_with_revision

BODY = "Unemployment fell to 4.1 percent in June, the statistics office said."
FAILURE = "Gave up after 3 attempts. Last error: the worker was lost or hit the hard time limit"


@pytest.fixture
def failed_article(db) -> Article:
    article = article_with_revision(body=BODY, title="Jobs")
    ExtractionJob.objects.filter(pk=article.current_job_id).update(
        status=ExtractionJob.Status.FAILED, attempts=3, last_error=FAILURE, finished_at=timezone.now()
    )
    return article


@pytest.fixture
def extract(django_capture_on_commit_callbacks):
    """``extract(client, article_id)``: the request, then what runs after its commit (the
    publication of the job), as a real commit would run it."""

    def post(client, article_id: int):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/articles/{article_id}/extract/")

    return post


@pytest.mark.django_db
def test_editor_requeues_a_failed_job_as_a_new_job_published_after_commit(
    editor_client, editor, failed_article, published_jobs, extract, django_assert_num_queries
):
    failed_job_id = failed_article.current_job_id

    # The token with its user's role, the article's id (404), then in one transaction
    # (savepoint .. release): the article's row lock, its current job, the new job and its
    # desk event, the article's current_job, the history event and its desk event; the answer:
    # the article with its job, its item counts; after commit the publication's enqueued_at and
    # the desk events' numbering (savepoint, the advisory lock on PostgreSQL, UPDATE, release).
    with django_assert_num_queries(18 if connection.vendor == "postgresql" else 17):
        response = extract(editor_client, failed_article.pk)

    assert response.status_code == 202, response.json()
    failed_article.refresh_from_db()
    new_job = failed_article.current_job
    assert new_job.pk != failed_job_id
    assert (new_job.status, new_job.revision_id, new_job.attempts) == ("queued", failed_article.current_revision_id, 0)
    assert new_job.enqueued_at is not None
    assert published_jobs == [new_job.pk]
    extraction = response.json()["extraction"]
    assert (extraction["job"], extraction["status"], extraction["error"]) == (new_job.pk, "queued", "")
    # The failed job keeps its reason: it is what the admin and the history show of it.
    assert ExtractionJob.objects.get(pk=failed_job_id).last_error == FAILURE
    event = HistoryEvent.objects.get(article=failed_article, action=HistoryEvent.Action.EXTRACT)
    assert (event.actor, event.item_id) == (editor, None)
    assert event.before == {"job": failed_job_id, "status": "failed", "error": FAILURE}
    assert event.after == {"job": new_job.pk, "status": "queued"}


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["queued", "running", "done"])
def test_requeue_while_a_job_of_the_text_is_queued_running_or_done_is_409_and_queues_nothing(
    editor_client, failed_article, published_jobs, extract, status
):
    ExtractionJob.objects.filter(pk=failed_article.current_job_id).update(status=status)

    response = extract(editor_client, failed_article.pk)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert f"already {status} (job {failed_article.current_job_id})" in error["message"]
    assert ExtractionJob.objects.filter(article=failed_article).count() == 1
    assert published_jobs == []
    assert not HistoryEvent.objects.filter(action=HistoryEvent.Action.EXTRACT).exists()


@pytest.mark.django_db
def test_requeue_of_a_published_article_is_409_locked(editor_client, editor, failed_article, published_jobs, extract):
    Article.objects.filter(pk=failed_article.pk).update(published_at=timezone.now(), published_by=editor)

    response = extract(editor_client, failed_article.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    assert published_jobs == []


@pytest.mark.django_db
def test_an_article_without_a_job_gets_one(editor_client, published_jobs, extract):
    article = article_with_revision(body=BODY)
    Article.objects.filter(pk=article.pk).update(current_job=None)

    response = extract(editor_client, article.pk)

    assert response.status_code == 202
    article.refresh_from_db()
    assert article.current_job.status == "queued" and published_jobs == [article.current_job_id]


@pytest.mark.django_db
def test_a_url_article_whose_fetch_failed_fetches_its_page_again(editor_client, editor, published_jobs, extract):
    article = ArticleFactory(added_by=editor, source_url="https://news.example/jobs")
    failed = ExtractionJob.objects.create(
        article=article, source_url="https://news.example/jobs", status="failed", last_error="HTTP 503"
    )
    Article.objects.filter(pk=article.pk).update(current_job=failed)

    response = extract(editor_client, article.pk)

    assert response.status_code == 202
    article.refresh_from_db()
    assert (article.current_job.revision_id, article.current_job.source_url) == (None, "https://news.example/jobs")
    assert published_jobs == [article.current_job_id]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "client_name, status", [("reviewer_client", 403), ("viewer_client", 403), ("anonymous_client", 401)]
)
def test_only_editors_may_requeue(request, failed_article, published_jobs, extract, client_name, status):
    response = extract(request.getfixturevalue(client_name), failed_article.pk)

    assert response.status_code == status
    failed_article.refresh_from_db()
    assert failed_article.current_job.status == "failed" and published_jobs == []


@pytest.mark.django_db
def test_requeue_of_an_unknown_article_is_404(editor_client, published_jobs, extract):
    response = extract(editor_client, 999_999)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert published_jobs == []
