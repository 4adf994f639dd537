"""What one review costs the database, and the publication re-check it makes after the item's lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import Article, DeskEvent, HistoryEvent, Item, Review
from annotations.services.review import review_submit
from factcheck.errors import Locked
from tests.factories import article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on, review_post


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.fixture
def claim(article) -> Item:
    return item_on(article, SENTENCE_1, score=0.9)


@pytest.mark.django_db
def test_a_first_review_makes_seven_queries_and_writes_its_review_history_and_desk_event(
    reviewer_client, reviewer, claim, django_assert_num_queries
):
    # The token with its role; the item locked (with its revision and article); the article's
    # publication and the item's current reviews in one statement; the review, its history
    # event and its desk event inserted; the item updated. The atomic block is a savepoint
    # inside the test's transaction (two more), and the desk event sequencer runs after a
    # commit that a test transaction never makes.
    with django_assert_num_queries(9):
        response = review_post(reviewer_client, claim, "correct", version=1, rationale="Matches the survey.")

    assert response.status_code == 201, response.content
    review = Review.objects.get()
    assert response.json() == {
        "id": review.pk,
        "item": claim.pk,
        "reviewer": reviewer.username,
        "verdict": "correct",
        "rationale": "Matches the survey.",
        "evidence": [],
        "is_current": True,
        "created_at": review.created_at.isoformat().replace("+00:00", "Z"),
        "superseded_at": None,
    }
    assert response["ETag"] == '"2"'
    assert Item.objects.get(pk=claim.pk).version == 2
    event = HistoryEvent.objects.get(item=claim, action=HistoryEvent.Action.REVIEW)
    assert event.after == {"verdict": "correct", "review": review.pk, "rationale": "Matches the survey.", "version": 2}
    assert DeskEvent.objects.filter(item=claim, kind=HistoryEvent.Action.REVIEW, payload=event.after).count() == 1


@pytest.mark.django_db
def test_a_review_on_a_published_article_is_refused_and_writes_nothing(reviewer_client, article, claim):
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())

    response = review_post(reviewer_client, claim, "correct")

    assert response.status_code == 409, response.content
    assert response.json() == {"error": {"code": "locked", "fields": {},
                                         "message": "The article is published: reopen it before changing its items."}}
    assert not Review.objects.exists() and not HistoryEvent.objects.filter(item=claim).exists()
    assert Item.objects.get(pk=claim.pk).version == 1


def _wait_for_a_lock_wait(timeout: float = 10) -> None:
    """Until a backend of this database waits for a row lock (the review behind the publisher)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("The review never waited for the item's lock: did the publisher take it?")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: SQLite serialises them")
@pytest.mark.django_db(transaction=True)
def test_a_publication_committed_while_the_review_waited_for_the_lock_refuses_the_review(reviewer, article, claim):
    # The review's lock statement read the article before the publisher committed; only the
    # statement after the lock (with the current reviews) can see the publication.
    locked, may_commit = threading.Event(), threading.Event()
    refusals: list[Exception] = []

    def publisher() -> None:  # as article_publish does: every item locked, then the article published
        try:
            with transaction.atomic():
                list(Item.objects.select_for_update().filter(revision__article=article))
                Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
                locked.set()
                assert may_commit.wait(10), "the test never let the publisher commit"
        finally:
            connection.close()

    def reviewing() -> None:
        try:
            review_submit(item_id=claim.pk, kind=Item.Kind.CLAIM, reviewer=reviewer, verdict="correct",
                          expected_version=1)
        except Locked as refused:
            refusals.append(refused)
        finally:
            connection.close()

    publishing = threading.Thread(target=publisher)
    publishing.start()
    assert locked.wait(10), "the publisher did not start"
    review = threading.Thread(target=reviewing)
    review.start()
    _wait_for_a_lock_wait()
    may_commit.set()
    publishing.join(10)
    review.join(10)

    assert len(refusals) == 1, "the review was not refused by the publication it waited for"
    assert not Review.objects.exists()
    assert Item.objects.get(pk=claim.pk).version == 1
