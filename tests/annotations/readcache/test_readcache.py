"""The read cache: cached answers, queues and identities are served, and every kind of write drops them.

Each test runs against the in-process cache and, when Redis is reachable (always in CI), against
Redis through the project's backend. Writes run with their after-commit callbacks executed,
as they are outside a test's transaction: that is when the cache is told.
"""

from __future__ import annotations

import contextlib

import pytest
import redis
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import ExtractionJob, Item, Review
from annotations.readcache import invalidation, store
from annotations.services.queue import extraction_job_complete, extraction_job_record_error
from tests.conftest import _client_for
from tests.factories import ItemFactory, UserFactory, article_with_revision
from workers.extraction import ClaimSpan, Extraction

BODY = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024."
SENTENCE_1 = "Unemployment fell to 4.1 percent in June."
SENTENCE_2 = "Exports rose by 12 percent in 2024."
REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def read_cache(request, settings):
    """The read cache switched on, over an empty cache of the parametrised kind."""
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        settings.CACHES = {"default": {"BACKEND": "factcheck.cache.RedisCache", "LOCATION": REDIS_URL}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.API_READ_CACHE = True
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the block's after-commit callbacks as its commit would. What the
    fixtures' writes asked for is forgotten first: they never commit in a test, and a commit of
    the block alone would not carry them, so each test sees only its own writes' invalidations."""

    @contextlib.contextmanager
    def block():
        invalidation._pending_changes(DEFAULT_DB_ALIAS).clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


@pytest.fixture
def article(db):
    article = article_with_revision(body=BODY, title="Jobs")
    ItemFactory(revision=article.current_revision, start=0, length=len(SENTENCE_1), score=0.9)
    return article


def _claims(client, article, query: str = "") -> dict:
    response = client.get(f"/api/v1/articles/{article.pk}/claims/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _detail(client, article) -> dict:
    response = client.get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_repeated_read_is_served_without_touching_the_database(
    read_cache, viewer_client, article, django_assert_num_queries
):
    first_detail, first_claims = _detail(viewer_client, article), _claims(viewer_client, article)

    with django_assert_num_queries(0):
        assert _detail(viewer_client, article) == first_detail
        assert _claims(viewer_client, article) == first_claims


@pytest.mark.django_db
def test_query_strings_are_cached_apart(read_cache, viewer_client, article):
    ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE_2), length=len(SENTENCE_2), score=0.2)

    one = _claims(viewer_client, article, "?page_size=1")
    both = _claims(viewer_client, article, "?page_size=2")
    by_score = _claims(viewer_client, article, "?ordering=score")

    assert len(one["results"]) == 1 and len(both["results"]) == 2
    assert [item["text"] for item in by_score["results"]] == [SENTENCE_2, SENTENCE_1]


@pytest.mark.django_db
def test_a_review_is_seen_at_once_in_the_detail_and_the_item_pages(
    read_cache, reviewer_client, viewer_client, article, committed
):
    claim = Item.objects.get()
    editor_client = _client_for(UserFactory(username="chief", role="editor"))
    assert _detail(viewer_client, article)["counts"]["claims"]["unverified"] == 1
    assert _claims(viewer_client, article)["results"][0]["status"] == "unverified"

    with committed():
        response = editor_client.post(
            f"/api/v1/claims/{claim.pk}/resolve/", {"status": "disputed"}, format="json", HTTP_IF_MATCH='"1"'
        )
    assert response.status_code == 200, response.content

    assert _detail(viewer_client, article)["counts"]["claims"]["disputed"] == 1
    assert _claims(viewer_client, article)["results"][0]["status"] == "disputed"


@pytest.mark.django_db
def test_extraction_writes_are_seen_at_once(read_cache, viewer_client, committed):
    article = article_with_revision(body=BODY)
    job = article.current_job
    ExtractionJob.objects.filter(pk=job.pk).update(status=ExtractionJob.Status.RUNNING)
    assert _claims(viewer_client, article)["results"] == []

    with committed():
        extraction_job_record_error(job_id=job.pk, error="broker hiccup")
    assert _detail(viewer_client, article)["extraction"]["error"] == "broker hiccup"

    span = ClaimSpan(start=0, end=len(SENTENCE_1), text=SENTENCE_1, score=0.9)
    with committed():
        extraction_job_complete(job_id=job.pk, extraction=Extraction(claims=[span], quotes=[], version="test"))

    assert _detail(viewer_client, article)["extraction"]["status"] == "done"
    assert [item["text"] for item in _claims(viewer_client, article)["results"]] == [SENTENCE_1]


@pytest.mark.django_db
def test_assigning_a_whole_article_is_seen_at_once(
    read_cache, editor_client, viewer_client, article, committed
):
    reviewer = UserFactory(username="ann", role="reviewer")
    assert _claims(viewer_client, article)["results"][0]["assigned_to"] is None

    with committed():
        response = editor_client.post(f"/api/v1/articles/{article.pk}/assign/", {"assignee": "ann"}, format="json")
    assert response.status_code == 200, response.content

    assert _claims(viewer_client, article)["results"][0]["assigned_to"] == reviewer.username


@pytest.mark.django_db
def test_a_change_draws_a_new_stamp(read_cache, article, committed):
    before = store.generation(store.article_scope(article.pk))
    assert store.generation(store.article_scope(article.pk)) == before

    with committed():
        invalidation.after_update(article_id=article.pk)

    assert store.generation(store.article_scope(article.pk)) != before


@pytest.mark.django_db
def test_a_write_that_rolls_back_keeps_the_cached_answers(read_cache, article, django_capture_on_commit_callbacks):
    stamp = store.generation(store.article_scope(article.pk))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invalidation.after_update(article_id=article.pk)

    assert len(callbacks) == 1  # would run on commit; the test's transaction never commits
    assert store.generation(store.article_scope(article.pk)) == stamp


@pytest.mark.django_db
def test_a_revoked_token_is_refused_at_once(read_cache, viewer, viewer_client, article):
    assert viewer_client.get(f"/api/v1/articles/{article.pk}/").status_code == 200

    Token.objects.filter(user=viewer).get().delete()

    response = viewer_client.get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


@pytest.mark.django_db
def test_a_deactivated_user_is_refused_at_once(read_cache, viewer, viewer_client, article):
    assert viewer_client.get(f"/api/v1/articles/{article.pk}/").status_code == 200

    viewer.is_active = False
    viewer.save()

    assert viewer_client.get(f"/api/v1/articles/{article.pk}/").status_code == 401


@pytest.mark.django_db
def test_a_role_taken_away_is_seen_at_once(read_cache, reviewer, reviewer_client, article):
    claim = Item.objects.get()
    assert reviewer_client.get("/api/v1/queue/").status_code == 200

    reviewer.groups.remove(Group.objects.get(name="reviewer"))
    assert reviewer_client.get("/api/v1/queue/").status_code == 403

    Group.objects.get(name="reviewer").user_set.add(reviewer)
    response = reviewer_client.get("/api/v1/queue/")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [claim.pk]


@pytest.mark.django_db
def test_a_cached_identity_still_reaches_the_fields_it_does_not_keep(read_cache, reviewer, reviewer_client, article):
    reviewer_client.get("/api/v1/queue/")  # caches the token's identity
    claim = Item.objects.get()

    response = reviewer_client.post(
        f"/api/v1/claims/{claim.pk}/reviews/", {"verdict": "correct"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 201, response.content
    assert response.json()["reviewer"] == reviewer.username
    assert claim.reviews.get().reviewer_id == reviewer.pk


@pytest.mark.django_db
def test_a_failing_cache_is_a_miss_not_an_error(read_cache, viewer_client, article, monkeypatch):
    expected = _detail(viewer_client, article)

    class DownCache:
        def __getattr__(self, name):
            def broken(*args, **kwargs):
                raise ConnectionError("cache down")

            return broken

    monkeypatch.setattr(store, "cache", DownCache())  # the rate limits' counters stay up

    assert _detail(viewer_client, article) == expected
    assert _claims(viewer_client, article)["count"] == 1


@pytest.mark.django_db
def test_nothing_is_cached_when_the_setting_is_off(settings, viewer_client, article, django_assert_num_queries):
    settings.API_READ_CACHE = False
    cache.clear()
    _detail(viewer_client, article)

    with django_assert_num_queries(3):  # token and roles, the article with its job, the item counts
        _detail(viewer_client, article)


@pytest.mark.django_db
def test_an_identity_read_before_a_revocation_is_not_stored_after_it(read_cache, viewer):
    key = Token.objects.create(user=UserFactory(username="late", role="viewer")).key
    stale = {"id": 1, "is_superuser": False, "username": "late", "is_staff": False, "is_active": True, "role_rank": 1}

    invalidation.tokens_forget(token_keys=[key])  # the revocation commits first...
    store.token_identity_set(key, stale)  # ...then a request that read the row before it stores

    assert store.token_identity_get(key) is None


@pytest.mark.django_db
def test_page_links_follow_the_scheme_each_answer_was_asked_on(read_cache, viewer_client, article):
    ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE_2), length=len(SENTENCE_2))
    path = f"/api/v1/articles/{article.pk}/claims/?page_size=1"

    over_https = viewer_client.get(path, secure=True).json()
    over_http = viewer_client.get(path).json()

    assert over_https["next"].startswith("https://") and over_http["next"].startswith("http://")


@pytest.mark.django_db
def test_clearing_a_group_drops_its_members_identities(read_cache, reviewer, reviewer_client, article):
    assert reviewer_client.get("/api/v1/queue/").status_code == 200

    Group.objects.get(name="reviewer").user_set.clear()

    assert reviewer_client.get("/api/v1/queue/").status_code == 403


@pytest.mark.django_db
def test_saving_through_the_claim_proxy_drops_the_answers(
    read_cache, viewer_client, article, committed
):
    from annotations.models import Claim

    assert _claims(viewer_client, article)["results"][0]["needs_rereview"] is False
    claim = Claim.objects.get()
    claim.needs_rereview = True
    with committed():
        claim.save()

    assert _claims(viewer_client, article)["results"][0]["needs_rereview"] is True


# --- Queues --------------------------------------------------------------------------------


def _queue(client) -> list[str]:
    response = client.get("/api/v1/queue/")
    assert response.status_code == 200, response.content
    return [item["text"] for item in response.json()["results"]]


@pytest.fixture
def two_claims(article):
    ItemFactory(revision=article.current_revision, start=BODY.index(SENTENCE_2), length=len(SENTENCE_2), score=0.2)
    return article


@pytest.mark.django_db
def test_a_repeated_queue_read_is_served_without_touching_the_database(
    read_cache, reviewer_client, two_claims, django_assert_num_queries
):
    first = _queue(reviewer_client)
    assert first == [SENTENCE_1, SENTENCE_2]

    with django_assert_num_queries(0):
        assert _queue(reviewer_client) == first


@pytest.mark.django_db
def test_a_review_leaves_its_reviewers_queue_at_once_and_not_the_others(
    read_cache, reviewer_client, two_claims, committed
):
    other_client = _client_for(UserFactory(username="bea", role="reviewer"))
    assert _queue(reviewer_client) == _queue(other_client) == [SENTENCE_1, SENTENCE_2]
    claim = Item.objects.get(start=0)

    with committed():
        response = reviewer_client.post(
            f"/api/v1/claims/{claim.pk}/reviews/", {"verdict": "correct"}, format="json", HTTP_IF_MATCH='"1"'
        )
    assert response.status_code in (200, 201), response.content

    assert _queue(reviewer_client) == [SENTENCE_2]
    assert _queue(other_client) == [SENTENCE_1, SENTENCE_2]


@pytest.mark.django_db
def test_a_resolution_publication_and_extraction_reach_every_queue_at_once(
    read_cache, reviewer_client, editor_client, two_claims, committed
):
    claim = Item.objects.get(start=0)
    assert _queue(reviewer_client) == [SENTENCE_1, SENTENCE_2]

    with committed():
        response = editor_client.post(
            f"/api/v1/claims/{claim.pk}/resolve/", {"status": "disputed"}, format="json", HTTP_IF_MATCH='"1"'
        )
    assert response.status_code == 200, response.content
    assert _queue(reviewer_client) == [SENTENCE_2]

    with committed():
        assert editor_client.post(f"/api/v1/articles/{two_claims.pk}/publish/").status_code == 200
    assert _queue(reviewer_client) == []

    fresh = article_with_revision(body=BODY, title="Trade")
    ExtractionJob.objects.filter(pk=fresh.current_job.pk).update(status=ExtractionJob.Status.RUNNING)
    span = ClaimSpan(start=0, end=len(SENTENCE_1), text=SENTENCE_1, score=0.9)
    with committed():
        extraction_job_complete(
            job_id=fresh.current_job.pk, extraction=Extraction(claims=[span], quotes=[], version="test")
        )
    assert _queue(reviewer_client) == [SENTENCE_1]


@pytest.mark.django_db
def test_an_assignment_moves_items_between_queues_at_once(
    read_cache, reviewer, reviewer_client, editor_client, two_claims, committed
):
    other_client = _client_for(UserFactory(username="bea", role="reviewer"))
    assert _queue(reviewer_client) == _queue(other_client) == [SENTENCE_1, SENTENCE_2]

    with committed():
        response = editor_client.post(f"/api/v1/articles/{two_claims.pk}/assign/", {"assignee": "bea"}, format="json")
    assert response.status_code == 200, response.content

    assert _queue(reviewer_client) == []
    assert _queue(other_client) == [SENTENCE_1, SENTENCE_2]


@pytest.mark.django_db
def test_a_review_changed_outside_the_services_drops_the_queues(
    read_cache, reviewer, reviewer_client, two_claims, committed
):
    claim = Item.objects.get(start=0)
    review = Review.objects.create(item=claim, reviewer=reviewer, verdict="correct", is_current=False)
    assert _queue(reviewer_client) == [SENTENCE_1, SENTENCE_2]

    review.is_current = True
    with committed():
        review.save(update_fields=["is_current"])

    assert _queue(reviewer_client) == [SENTENCE_2]


class _CountingCache:
    """The cache the read cache talks to, counting each call (each is one round trip to Redis)."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.mark.django_db
def test_a_warm_read_asks_the_cache_once_for_the_identity_and_the_answer(
    read_cache, viewer_client, reviewer_client, two_claims, monkeypatch
):
    detail, claims = _detail(viewer_client, two_claims), _claims(viewer_client, two_claims)
    queue = _queue(reviewer_client)
    counting = _CountingCache(store.cache)
    monkeypatch.setattr(store, "cache", counting)

    assert _detail(viewer_client, two_claims) == detail
    assert _claims(viewer_client, two_claims) == claims
    assert _queue(reviewer_client) == queue

    assert counting.calls == ["get_many"] * 3


@pytest.mark.django_db
def test_a_queue_read_with_a_revoked_token_is_refused_though_its_answer_is_kept(
    read_cache, reviewer, reviewer_client, two_claims
):
    assert _queue(reviewer_client) == [SENTENCE_1, SENTENCE_2]

    Token.objects.filter(user=reviewer).get().delete()

    response = reviewer_client.get("/api/v1/queue/")
    assert response.status_code == 401
    assert "results" not in response.json()


@pytest.mark.django_db
def test_a_reviewers_queue_read_through_the_session_and_through_a_token_agree(
    read_cache, reviewer, reviewer_client, two_claims, committed
):
    session_client = APIClient()
    session_client.force_login(reviewer)
    other_client = _client_for(UserFactory(username="bea", role="reviewer"))
    assert _queue(session_client) == _queue(reviewer_client) == _queue(other_client) == [SENTENCE_1, SENTENCE_2]
    claim = Item.objects.get(start=0)

    with committed():
        response = session_client.post(
            f"/api/v1/claims/{claim.pk}/reviews/", {"verdict": "correct"}, format="json", HTTP_IF_MATCH='"1"'
        )
    assert response.status_code in (200, 201), response.content

    assert _queue(session_client) == _queue(reviewer_client) == [SENTENCE_2]
    assert _queue(other_client) == [SENTENCE_1, SENTENCE_2]


@pytest.mark.django_db
def test_a_review_drops_its_article_and_the_queues_in_one_round_trip(
    read_cache, viewer_client, reviewer_client, two_claims, monkeypatch, committed
):
    before_claims, before_queue = _claims(viewer_client, two_claims), _queue(reviewer_client)
    claim = Item.objects.get(start=0)
    counting = _CountingCache(store.cache)
    monkeypatch.setattr(store, "cache", counting)

    with committed():
        response = reviewer_client.post(
            f"/api/v1/claims/{claim.pk}/reviews/", {"verdict": "disputed"}, format="json", HTTP_IF_MATCH='"1"'
        )
    assert response.status_code == 201, response.content

    assert [call for call in counting.calls if call.startswith("delete")] == ["delete_many"]
    assert _queue(reviewer_client) == [SENTENCE_2] != before_queue
    versions = {entry["id"]: entry["version"] for entry in _claims(viewer_client, two_claims)["results"]}
    assert versions[claim.pk] == 2 != {entry["id"]: entry["version"] for entry in before_claims["results"]}[claim.pk]



@pytest.mark.django_db
def test_an_anonymous_read_touches_the_read_cache_not_at_all(read_cache, two_claims, monkeypatch):
    counting = _CountingCache(store.cache)
    monkeypatch.setattr(store, "cache", counting)

    for path in (f"/api/v1/articles/{two_claims.pk}/", "/api/v1/articles/987654/claims/", "/api/v1/queue/"):
        response = APIClient().get(path)
        assert response.status_code == 401, (path, response.content)

    assert counting.calls == []  # no stamp drawn, nothing read, for a request that is refused


@pytest.mark.django_db
def test_a_failed_look_up_after_commit_still_drops_the_desk_and_the_known_article(
    read_cache, viewer_client, reviewer_client, two_claims, committed, monkeypatch
):
    detail, queue = _detail(viewer_client, two_claims), _queue(reviewer_client)
    desk, article = store.generation(store.DESK), store.generation(store.article_scope(two_claims.pk))

    class BrokenManager:
        def filter(self, *args, **kwargs):
            raise ConnectionError("database gone after the commit")

    from annotations.models import ArticleRevision

    monkeypatch.setattr(ArticleRevision, "objects", BrokenManager())
    with committed():
        invalidation.after_update(article_id=two_claims.pk)
        invalidation.after_update(revision_id=two_claims.current_revision_id)

    assert store.generation(store.DESK) != desk
    assert store.generation(store.article_scope(two_claims.pk)) != article
    assert (_detail(viewer_client, two_claims), _queue(reviewer_client)) == (detail, queue)  # recomputed, unchanged


@pytest.mark.django_db
def test_a_new_token_finds_no_queue_kept_under_its_key(read_cache, reviewer, reviewer_client, two_claims, committed):
    token = Token.objects.get(user=reviewer)
    assert _queue(reviewer_client) == [SENTENCE_1, SENTENCE_2]
    other = UserFactory(username="bea", role="reviewer")
    Review.objects.create(item=Item.objects.get(start=0), reviewer=other, verdict="correct")  # bea's queue differs

    with committed():
        key = token.key
        token.delete()
        Token.objects.create(key=key, user=other)  # the same key, given to someone else

    assert _queue(reviewer_client) == [SENTENCE_2]  # bea's queue, not the one kept for the key
