"""HTTP-level protections: CSRF on session writes, token revocation, passwords, CORS, headers, cookies."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TEXT = {"text": "Unemployment fell to 4.1 percent in June, the statistics office said."}
CSRF_SECRET = "k" * 32  # a well-formed CSRF secret; the test plays the browser that received it


@pytest.fixture
def session_editor_client(editor) -> Client:
    """A browser-like client logged in with a session (the review pages), CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


def test_session_write_without_csrf_token_is_refused_and_writes_nothing(session_editor_client):
    response = session_editor_client.post("/api/v1/articles/", TEXT, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


def test_session_write_with_a_wrong_csrf_token_is_refused(session_editor_client):
    session_editor_client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = session_editor_client.post(
        "/api/v1/articles/", TEXT, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32
    )

    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_session_write_with_the_csrf_token_goes_through(session_editor_client):
    session_editor_client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = session_editor_client.post(
        "/api/v1/articles/", TEXT, content_type="application/json", HTTP_X_CSRFTOKEN=CSRF_SECRET
    )

    assert response.status_code == 201, response.content
    assert Article.objects.count() == 1


def test_session_reads_need_no_csrf_token(session_editor_client):
    assert session_editor_client.get("/api/v1/articles/").status_code == 200


def test_token_writes_need_no_csrf_token(editor_client, published_jobs):
    # A token is not sent automatically by a browser, so it cannot be forged cross-site.
    response = editor_client.post("/api/v1/articles/", TEXT, format="json")
    assert response.status_code == 201


def test_a_deleted_token_no_longer_authenticates(editor):
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/articles/").status_code == 200

    token.delete()  # revocation: the admin's "Tokens" page, or `Token.objects.filter(user=...).delete()`
    response = client.get("/api/v1/articles/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_deactivated_user_token_no_longer_authenticates(editor):
    token = Token.objects.create(user=editor)
    editor.is_active = False
    editor.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/v1/articles/").status_code == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("84736251907", "entirely numeric"),
        ("alice-newsroom", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    user = UserFactory.build(username="alice-newsroom", email="alice@newsroom.example")
    with pytest.raises(ValidationError, match=message):
        validate_password(password, user=user)


def test_a_strong_password_is_accepted():
    validate_password("correct horse battery staple 1842", user=UserFactory.build(username="alice"))


@pytest.mark.parametrize("method", ["options", "get", "post"])
def test_no_cors_headers_are_sent_to_another_origin(editor_client, method, published_jobs):
    headers = {"HTTP_ORIGIN": "https://evil.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
               "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization, content-type"}
    kwargs = {"data": TEXT, "format": "json"} if method == "post" else {}

    response = getattr(editor_client, method)("/api/v1/articles/", **kwargs, **headers)

    cors = [name for name in response.headers if name.lower().startswith("access-control-")]
    assert cors == [], f"CORS must stay closed; got {cors}"
    assert not any("cors" in app for app in settings.INSTALLED_APPS)


def test_responses_carry_the_security_headers(editor_client):
    response = editor_client.get("/api/v1/articles/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_https_responses_carry_hsts_when_debug_is_off(editor_client):
    assert not settings.DEBUG, "the suite runs with the production default, DEBUG off"
    response = editor_client.get("/api/v1/articles/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_http_only(editor):
    editor.set_password("a long and unusual passphrase 77")
    editor.save()
    client = Client()
    client.get("/accounts/login/", secure=True)
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        "/accounts/login/",
        {"username": editor.username, "password": "a long and unusual passphrase 77",
         "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )

    assert response.status_code == 302, "login should succeed"
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"]
