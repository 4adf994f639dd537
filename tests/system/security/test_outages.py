"""A database or broker outage reaching a request is 503 with Retry-After in the API's error shape.

The outage is played by the database or broker client raising what it raises when the server
has gone (psycopg's "server closed the connection unexpectedly" arrives as Django's
``OperationalError``, a closed connection as ``InterfaceError``, an unreachable broker as
kombu's ``OperationalError``, an unreachable Redis cache as redis-py's ``ConnectionError``);
the fault runs of RELIABILITY.md kill the real servers.
"""

from __future__ import annotations

import kombu.exceptions
import pytest
import redis.exceptions
from django.db import InterfaceError, OperationalError

from annotations import selectors
from annotations.models import Article, ExtractionJob
from annotations.services import ingest

pytestmark = pytest.mark.django_db
TEXT = "Unemployment fell to 4.1 percent in June, the statistics office said."
LOST = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally"


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert 1 <= int(response["Retry-After"]) <= 30, "Retry-After says when to try again"
    assert response.json()["error"] == {
        "code": "unavailable",
        "message": "The service is briefly unavailable: its database or queue cannot be reached. "
        "Retry after the number of seconds in Retry-After.",
        "fields": {},
    }


@pytest.mark.attack("Outages", "PostgreSQL gone during an article POST", "503 + Retry-After, nothing stored")
@pytest.mark.parametrize("error", [OperationalError(LOST), InterfaceError("connection already closed")])
def test_a_database_outage_during_a_write_is_503_with_retry_after_and_stores_nothing(
    editor_client, published_jobs, monkeypatch, error
):
    def database_gone(**kwargs):
        raise error

    monkeypatch.setattr(ingest, "extraction_job_create", database_gone)

    response = editor_client.post("/api/v1/articles/", {"text": TEXT}, format="json")

    _assert_unavailable(response)
    assert Article.objects.count() == 0 and ExtractionJob.objects.count() == 0
    assert published_jobs == []


def test_a_database_outage_during_a_read_is_503(editor_client, monkeypatch):
    def database_gone():
        raise OperationalError(LOST)

    monkeypatch.setattr(selectors, "article_list", database_gone)

    _assert_unavailable(editor_client.get("/api/v1/articles/"))


@pytest.mark.parametrize(
    "error",
    [kombu.exceptions.OperationalError("Error 111 connecting to redis:6379. Connection refused."),
     redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")],
)
def test_a_broker_or_cache_outage_reaching_a_request_is_503(editor_client, monkeypatch, error):
    from factcheck.security import UserThrottle

    def broker_gone(self, request, view):
        raise error

    monkeypatch.setattr(UserThrottle, "allow_request", broker_gone)

    _assert_unavailable(editor_client.get("/api/v1/articles/"))


def test_a_database_outage_outside_the_api_views_is_503_json_under_api(client, monkeypatch):
    """Before DRF runs (a middleware's query), Django's 500 handler answers: it gives 503 too."""
    from django.contrib.sessions.backends.db import SessionStore

    def database_gone(self, *args, **kwargs):
        raise OperationalError(LOST)

    monkeypatch.setattr(SessionStore, "load", database_gone)
    client.cookies["sessionid"] = "a" * 32
    client.raise_request_exception = False

    _assert_unavailable(client.get("/api/v1/articles/"))
