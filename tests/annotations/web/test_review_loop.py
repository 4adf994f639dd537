"""The review loop's server side: my progress on an article, the next article, "My queue"."""

from __future__ import annotations

import pytest
from django.test import override_settings

from annotations.models import Review
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, QUOTE, SENTENCE_1, SENTENCE_2, item_on


@pytest.fixture
def browser(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY, title="Jobs")


@pytest.mark.django_db
@override_settings(REVIEW_QUORUM=2)
def test_progress_says_what_i_reviewed_and_what_waits_for_a_second_review(
    browser, reviewer, article, django_assert_max_num_queries
):
    first, second, third = (item_on(article, words) for words in (SENTENCE_1, SENTENCE_2, QUOTE))
    item_on(article, "the minister", dismissed=True)  # not counted
    other = UserFactory(username="sam", role="reviewer")
    Review.objects.create(item=first, reviewer=reviewer, verdict="correct")
    Review.objects.create(item=second, reviewer=other, verdict="disputed")
    Review.objects.create(item=third, reviewer=other, verdict="unverified")  # does not count towards quorum
    later = article_with_revision(body=BODY, title="Exports")
    item_on(later, SENTENCE_1)

    with django_assert_max_num_queries(8):
        response = browser.get(f"/review/articles/{article.pk}/progress/")

    assert response.status_code == 200
    assert response.json() == {
        "total": 3,
        "reviewed_by_me": [first.pk],
        "waiting_second": 2,  # mine and Sam's counting verdicts, one each
        "next_article": {"url": f"/review/articles/{later.pk}/", "title": "Exports"},
    }


@pytest.mark.django_db
def test_next_article_skips_published_ones_and_ones_i_finished_and_wraps_around(browser, reviewer, article):
    earlier_open = article_with_revision(body=BODY, title="Earlier")  # created after `article`, so a higher id
    item_on(earlier_open, SENTENCE_1)
    finished = article_with_revision(body=BODY, title="Finished")
    done = item_on(finished, SENTENCE_1)
    Review.objects.create(item=done, reviewer=reviewer, verdict="correct")
    published = article_with_revision(body=BODY, title="Published")
    item_on(published, SENTENCE_1)
    published.published_at = published.created_at
    published.save()

    from_open = browser.get(f"/review/articles/{earlier_open.pk}/progress/").json()["next_article"]
    from_published = browser.get(f"/review/articles/{published.pk}/progress/").json()["next_article"]

    assert from_open is None  # `article` has no items; Finished is done; Published is locked
    assert from_published == {"url": f"/review/articles/{earlier_open.pk}/", "title": "Earlier"}  # wrapped


@pytest.mark.django_db
def test_my_queue_lists_my_next_items_with_links_into_their_articles(browser, reviewer, article):
    high = item_on(article, SENTENCE_1, score=0.9)
    low = item_on(article, SENTENCE_2, score=0.2)
    reviewed = item_on(article, QUOTE, score=0.95)
    Review.objects.create(item=reviewed, reviewer=reviewer, verdict="correct")

    response = browser.get("/review/queue/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [row["item"].pk for row in response.context["rows"]] == [high.pk, low.pk]
    assert f'href="/review/articles/{article.pk}/?item={high.pk}"' in html
    assert "Start with the first" in html
    assert "My queue" in browser.get("/review/").content.decode()


@pytest.mark.django_db
def test_my_queue_when_nothing_waits_and_for_a_viewer(client, article):
    client.force_login(UserFactory(username="rita", role="reviewer"))
    assert "Nothing is waiting for you" in client.get("/review/queue/").content.decode()

    client.force_login(UserFactory(username="vera", role="viewer"))
    assert "ask an editor for the reviewer role" in client.get("/review/queue/").content.decode()
