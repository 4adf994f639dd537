"""Property-based requests against every operation of the OpenAPI schema, authenticated as an editor.

Schemathesis reads ``/api/schema/`` from the WSGI application and generates requests from it,
valid and invalid; every answer must not be a 5xx, must have the declared content type, and
must match the schema. Examples are bounded and derandomized, so the run takes about a minute
and is the same on every machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from factcheck.wsgi import application
from tests.factories import UserFactory, article_with_revision

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


@pytest.fixture
def editor_token(db, settings) -> str:
    """An editor's token, some data for the generated ids to land on, and no rate limits."""
    settings.API_THROTTLE_RATES = {}
    user = UserFactory(username="fuzz-editor", role="editor")
    for number in range(3):
        article_with_revision(body=f"Unemployment fell to 4.{number} percent in June, the office said.")
    return Token.objects.create(user=user).key


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's transaction open across requests, as Django's test client does.

    The WSGI handler closes "old" connections at the start and end of each request, which
    would close the connection holding the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _call(case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_without_5xx_and_as_documented(case, editor_token, wsgi_in_test_transaction):
    _call(case, editor_token)


@pytest.mark.attack(
    "Interoperability API", "OPTIONS on an article's annotations (no serializer to describe the POST)",
    "200 with the view's name, media types and Allow, not a 500 or a 405 that Allow contradicts",
)
def test_options_on_the_annotations_endpoint_is_not_a_server_error(editor_token):
    """It was a 500: the viewset has no serializer for DRF's metadata to describe the POST with;
    then a 405 "OPTIONS not allowed" under an ``Allow`` header that lists OPTIONS."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token}")
    article = article_with_revision(body="Exports rose by 3 percent in May, the ministry said.")

    response = client.options(f"/api/v1/articles/{article.pk}/annotations/")

    assert response.status_code == 200, response.content
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.json() == {
        "name": "Article Interop",
        "description": "An article's ClaimReviews and its Web Annotations (export and import).",
        "renders": ["application/json", "application/ld+json"],
        "parses": ["application/json", "application/ld+json"],
    }
