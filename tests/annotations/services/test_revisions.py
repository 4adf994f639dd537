"""PATCH an article's text: a new revision, items re-anchored, reviews kept, nothing dropped."""

from __future__ import annotations

import pytest

from annotations.models import ExtractionJob, Item, Review
from tests.factories import article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on, review_post
from workers import tasks


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.mark.django_db
def test_new_text_moves_items_keeps_reviews_and_flags_what_changed(
    editor_client, reviewer_client, article, published_jobs, django_capture_on_commit_callbacks
):
    kept = item_on(article, SENTENCE_1)
    changed = item_on(article, SENTENCE_2)
    gone = Item.objects.create(
        kind="quote", revision=article.current_revision, start=BODY.index("We are"), end=BODY.index(",”"),
        text=BODY[BODY.index("We are") : BODY.index(",”")],
    )
    review_post(reviewer_client, kept, "correct", rationale="Matches the survey.")
    new_text = "Update: figures revised. " + BODY.replace("12 percent", "13 percent").replace(
        "“We are pleased,” the minister said.", ""
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"text": new_text}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revision"]["number"] == 2 and body["text"] == new_text.strip()
    assert body["extraction"]["status"] == "queued"
    kept, changed, gone = (Item.objects.get(pk=i.pk) for i in (kept, changed, gone))
    assert kept.revision_id == body["revision"]["id"] and not kept.needs_rereview
    assert body["text"][kept.start : kept.end] == SENTENCE_1
    assert Review.objects.get(item=kept).verdict == "correct"
    assert changed.needs_rereview and "13 percent" in changed.text
    assert body["text"][changed.start : changed.end] == changed.text
    assert gone.orphaned and gone.needs_rereview and gone.revision.number == 1
    # Orphaned items are still listed with the article, flagged.
    quotes = editor_client.get(f"/api/v1/articles/{article.pk}/quotes/").json()["results"]
    assert [(q["id"], q["orphaned"]) for q in quotes] == [(gone.pk, True)]
    assert published_jobs == [body["extraction"]["job"]]


@pytest.mark.django_db
def test_extraction_of_the_new_revision_does_not_duplicate_surviving_items(editor_client, article, published_jobs):
    tasks.extract_article.apply(args=[article.current_job_id])
    first = {(i.kind, i.text) for i in Item.objects.all()}
    assert first

    editor_client.patch(
        f"/api/v1/articles/{article.pk}/", {"text": BODY + "\n\nA new paragraph with 7 facts."}, format="json"
    )
    job = ExtractionJob.objects.latest("id")
    tasks.extract_article.apply(args=[job.pk])

    live = Item.objects.filter(revision_id=job.revision_id)
    texts = [(i.kind, i.text) for i in live]
    assert len(texts) == len(set(texts)), "an item that survived the edit was extracted again"
    assert first <= set(texts)


@pytest.mark.django_db
def test_same_text_again_makes_no_revision(editor_client, article, published_jobs):
    response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"text": BODY}, format="json")

    assert response.json()["revision"]["number"] == 1
    assert published_jobs == []


@pytest.mark.django_db
def test_published_article_text_cannot_change(editor_client, article):
    editor_client.post(f"/api/v1/articles/{article.pk}/publish/")

    response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"text": "Something else."}, format="json")

    assert response.status_code == 409


@pytest.mark.django_db
def test_patch_refuses_unknown_fields(editor_client, article):
    response = editor_client.patch(f"/api/v1/articles/{article.pk}/", {"colour": "red"}, format="json")

    assert response.status_code == 400 and "colour" in response.json()["error"]["fields"]
