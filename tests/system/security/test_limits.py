"""Limits with clear errors: per-user rate limits (429 + Retry-After), page size, request size."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from annotations.models import Article
from tests.factories import article_with_revision

pytestmark = pytest.mark.django_db
TEXT = "Unemployment fell to 4.{n} percent in June, the statistics office said."


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit counters live in the cache; every test here starts from zero."""
    cache.clear()
    yield
    cache.clear()


def _assert_throttled(response, *, json_body: bool = True) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60, "Retry-After says how many seconds to wait"
    if not json_body:
        return
    body = response.json()["error"]
    assert body["code"] == "throttled" and "available in" in body["message"]


@override_settings(API_THROTTLE_RATES={"user": "3/minute", "write": None, "anon": None})
def test_a_user_over_the_rate_gets_429_with_retry_after_and_others_are_not_affected(editor_client, viewer_client):
    for _ in range(3):
        assert editor_client.get("/api/v1/articles/").status_code == 200

    _assert_throttled(editor_client.get("/api/v1/articles/"))
    assert viewer_client.get("/api/v1/articles/").status_code == 200, "limits are per user"


@override_settings(API_THROTTLE_RATES={"user": None, "write": "2/minute", "anon": None})
def test_writes_have_their_own_lower_rate_and_reads_go_on(editor_client, published_jobs):
    for number in range(2):
        response = editor_client.post("/api/v1/articles/", {"text": TEXT.format(n=number)}, format="json")
        assert response.status_code == 201

    _assert_throttled(editor_client.post("/api/v1/articles/", {"text": TEXT.format(n=9)}, format="json"))
    assert Article.objects.count() == 2, "the throttled write wrote nothing"
    assert editor_client.get("/api/v1/articles/").status_code == 200


@override_settings(API_THROTTLE_RATES={"user": None, "write": None, "anon": "2/minute"})
def test_anonymous_requests_to_public_endpoints_are_limited_by_address(anonymous_client):
    for _ in range(2):
        assert anonymous_client.get("/api/schema/").status_code == 200

    # The schema view renders in the OpenAPI media type, errors included; status and header are the contract.
    _assert_throttled(anonymous_client.get("/api/schema/"), json_body=False)


def test_default_rates_are_generous_and_come_from_settings(settings):
    rates = settings.API_THROTTLE_RATES
    assert set(rates) == {"user", "write", "anon"}
    number, period = rates["user"].split("/")
    assert int(number) >= 600 and period.startswith("min"), "a person at the desk must never be throttled"


def test_page_size_is_capped_at_200(editor_client):
    for number in range(203):
        article_with_revision(body=TEXT.format(n=number) + f" Item {number}.")

    response = editor_client.get("/api/v1/articles/?page_size=100000")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["next"] is not None


@override_settings(ARTICLE_MAX_REQUEST_BYTES=10_000)
@pytest.mark.parametrize("field", ["text", "html"])
def test_an_article_over_the_size_limit_is_413_with_the_limit_named(editor_client, field):
    body = "<p>" + "The rate rose. " * 1000 + "</p>" if field == "html" else "The rate rose. " * 1000

    response = editor_client.post("/api/v1/articles/", {field: body}, format="json")

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large",
        "message": "The request body is larger than the limit of 10000 bytes.",
        "fields": {},
    }
    assert Article.objects.count() == 0
