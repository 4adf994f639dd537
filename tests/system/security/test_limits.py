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
    assert set(rates) == {"user", "write", "anon", "auth_failure"}
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


# --- The body limit: one limit, in the API's error shape (issue 18, point 2) ------------------
def _long_article(min_bytes: int) -> str:
    sentence = "Unemployment fell to 4.1 percent in June, the statistics office said on Monday. "
    return "Jobless rate falls\n\n" + sentence * (min_bytes // len(sentence) + 1)


@pytest.mark.attack("API body limit", "3 MB article under the documented 5 MB limit", "201, stored")
def test_a_3_mb_article_under_the_documented_limit_is_stored(editor_client, published_jobs, settings):
    assert settings.ARTICLE_MAX_REQUEST_BYTES == 5 * 1024 * 1024, "the documented default"
    text = _long_article(3 * 1024 * 1024)

    response = editor_client.post("/api/v1/articles/", {"text": text}, format="json")

    assert response.status_code == 201, response.content[:300]
    assert len(response.json()["text"]) > 3_000_000
    assert Article.objects.count() == 1


@pytest.mark.attack("API body limit", "body one byte over the default 5 MB limit", "413 JSON too_large")
@pytest.mark.parametrize("url", ["/api/v1/articles/", "/api/v1/articles/1/comments/", "/api/v1/nowhere/"])
def test_a_body_over_the_default_limit_is_413_json_on_every_api_url(editor_client, url, settings):
    limit = settings.ARTICLE_MAX_REQUEST_BYTES
    body = b'{"text": "' + b"a" * limit + b'"}'

    response = editor_client.generic("POST", url, body, content_type="application/json")

    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == {
        "code": "too_large",
        "message": f"The request body is larger than the limit of {limit} bytes.",
        "fields": {},
    }
    assert Article.objects.count() == 0


@pytest.mark.attack("API body limit", "chunked body without Content-Length", "411 JSON length_required")
def test_a_chunked_body_without_content_length_is_411_and_stores_nothing(editor_client):
    # The test client always declares a length; an empty CONTENT_LENGTH is how a server hands
    # over a chunked body (wsgi.input to be read to its end, no length known).
    response = editor_client.generic(
        "POST",
        "/api/v1/articles/",
        b'{"text": "' + TEXT.format(n=1).encode() + b'"}',
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411, response.content
    assert response.json()["error"] == {
        "code": "length_required",
        "message": "Send the request body with a Content-Length header; chunked bodies are not accepted.",
        "fields": {},
    }
    assert Article.objects.count() == 0


# --- Deeply nested JSON (issue 18, point 3) ------------------------------------------------------
@pytest.mark.attack("API JSON parser", "JSON nested 100,000 deep", "400 nested too deeply, no traceback logged")
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_past_the_interpreter_stack_is_400_without_a_logged_traceback(editor_client, caplog, opening):
    closing = "]" if opening == "[" else "}"
    body = ('{"text": ' + opening * 100_000 + "1" + closing * 100_000 + "}").encode()

    response = editor_client.generic("POST", "/api/v1/articles/", body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"] == {
        "code": "parse_error",
        "message": "The JSON body is nested too deeply: at most 32 levels of arrays and objects.",
        "fields": {},
    }
    assert not [record for record in caplog.records if record.exc_info], "no traceback is logged"
    assert Article.objects.count() == 0


def test_json_nested_just_past_the_documented_limit_is_400_and_at_it_is_parsed(editor_client):
    def nested(depth: int) -> bytes:  # the object itself is one level
        return ('{"text": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}").encode()

    too_deep = editor_client.generic("POST", "/api/v1/articles/", nested(33), content_type="application/json")
    at_limit = editor_client.generic("POST", "/api/v1/articles/", nested(32), content_type="application/json")

    assert too_deep.status_code == 400 and "nested too deeply" in too_deep.json()["error"]["message"]
    # Parsed, then refused by the serializer: a list is not text.
    assert at_limit.status_code == 400 and at_limit.json()["error"]["fields"] == {"text": ["Not a valid string."]}


# --- Failed token authentications are throttled per address (issue 18, point 12) --------------
FAILED_AUTH_RATES = {"user": None, "write": None, "anon": None, "auth_failure": "5/minute"}


def _token_client(key: str, address: str = "203.0.113.7"):
    from rest_framework.test import APIClient

    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.attack("API authentication", "random tokens from one address", "429 + Retry-After, no more look-ups")
@override_settings(API_THROTTLE_RATES=FAILED_AUTH_RATES)
def test_failed_token_authentications_are_throttled_per_address(django_assert_num_queries, editor):
    for number in range(5):
        response = _token_client(f"{number:040d}").get("/api/v1/articles/")
        assert response.status_code == 401, response.content

    with django_assert_num_queries(0):  # refused before the token is looked up
        response = _token_client("f" * 40).get("/api/v1/articles/")

    assert response.status_code == 429, response.content
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    assert "Too many failed authentications from this address" in response.json()["error"]["message"]
    assert _token_client("f" * 40, address="198.51.100.9").get("/api/v1/articles/").status_code == 401, (
        "another address is not affected"
    )


@override_settings(API_THROTTLE_RATES=FAILED_AUTH_RATES)
def test_a_valid_token_is_served_under_the_limit_and_refused_over_it(editor):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=editor).key
    for number in range(4):
        assert _token_client(f"{number:040d}").get("/api/v1/articles/").status_code == 401
    for _ in range(10):  # successes do not count
        assert _token_client(key).get("/api/v1/articles/").status_code == 200

    assert _token_client("9" * 40).get("/api/v1/articles/").status_code == 401  # the 5th failure
    # Over the limit the address is refused whatever it sends, so guessing cannot go on.
    assert _token_client(key).get("/api/v1/articles/").status_code == 429


def test_the_failed_authentication_rate_is_on_by_default(settings):
    number, period = settings.API_THROTTLE_RATES["auth_failure"].split("/")
    assert 10 <= int(number) <= 100 and period.startswith("min")


REDIS_CACHE_URL = "redis://127.0.0.1:6379/8"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis at {REDIS_CACHE_URL}")
def test_failed_authentications_counted_in_one_process_refuse_in_another_on_redis(editor):
    """Two web processes sharing a Redis cache share the count: failures here, refusal in a subprocess."""
    import os
    import subprocess
    import sys
    import uuid

    from django.conf import settings as django_settings

    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # no leftover count from a run before
    redis_cache = {"default": {"BACKEND": "factcheck.cache.RedisCache", "LOCATION": REDIS_CACHE_URL}}
    # A day's window: the two processes cannot straddle a window's end during the test.
    rates = {**FAILED_AUTH_RATES, "auth_failure": "5/day"}
    with override_settings(CACHES=redis_cache, API_THROTTLE_RATES=rates):
        for number in range(5):
            assert _token_client(f"{number:040d}", address=address).get("/api/v1/articles/").status_code == 401
        probe = (
            "import django; django.setup()\n"
            "from django.test import RequestFactory\n"
            "from rest_framework.exceptions import Throttled\n"
            "from factcheck.security import FailedAuthenticationThrottle\n"
            f"request = RequestFactory().get('/api/v1/articles/', REMOTE_ADDR={address!r})\n"
            "try:\n    FailedAuthenticationThrottle(request).refuse_if_over_limit()\n    print('served')\n"
            "except Throttled as exc:\n    print('throttled', int(exc.wait) > 0)\n"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "CACHE_URL": REDIS_CACHE_URL,
            "API_THROTTLE_AUTH_FAILURE_RATE": "5/day",
            "FACTCHECK_VAR_DIR": str(django_settings.VAR_DIR),
        }
        other_process = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        cache.clear()  # this test's Redis database
        assert other_process.stdout.strip() == "throttled True", other_process.stderr[-2000:]
