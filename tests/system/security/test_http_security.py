"""HTTP-level protections: CSRF on session writes, token revocation, passwords, CORS, headers, cookies."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Article
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on

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


PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, *rest in directives for value in [rest[0] if rest else ""]}


def _desk_pages(client: Client) -> dict[str, object]:
    article = article_with_revision(body=BODY, title="Jobs")
    item_on(article, SENTENCE_1, status="correct")
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return {
        "article list": client.get("/review/"),
        "review page": client.get(f"/review/articles/{article.pk}/"),
        "admin": client.get("/admin/"),
        "admin change list": client.get("/admin/annotations/article/"),
        "dashboard": client.get("/admin/dashboard/"),
        "missing page": client.get("/review/articles/999999/"),
        "API answer": client.get("/api/v1/articles/"),
        "login page": Client().get("/accounts/login/"),
        "admin login page": Client().get("/admin/login/"),
    }


@pytest.mark.attack(
    "pages",
    "a script or style injected into any page (the CSP a browser would enforce)",
    "every page sends Content-Security-Policy: script-src 'self', no 'unsafe-inline', frame-ancestors 'none'",
)
def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client):
    for name, response in _desk_pages(client).items():
        policy = _policy(response)

        assert policy == PAGE_POLICY, f"{name}: Content-Security-Policy is {policy}"
        assert "unsafe" not in response.headers["Content-Security-Policy"], name


def test_desk_pages_have_no_inline_style_or_script_the_policy_would_block(client):
    """The policy refuses inline styles and scripts: the pages must not need any (the progress
    bar's widths and the dashboard's rules included), or they would break in the browser."""
    pages = _desk_pages(client)
    for name in ("article list", "review page", "dashboard", "login page"):
        html = pages[name].content.decode()
        assert " style=" not in html, f"{name} has an inline style attribute"
        assert "<style" not in html, f"{name} has an inline <style> element"
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert inline_scripts == [], f"{name} has inline scripts: {inline_scripts}"


def test_api_docs_pages_get_their_own_policy_and_load_nothing_from_outside(client):
    for path in ("/api/docs/", "/api/redoc/"):
        response = client.get(path)
        html = response.content.decode()
        policy = _policy(response)

        assert response.status_code == 200, path
        assert policy["script-src"] == "'self'", f"{path}: {policy}"  # no inline script there either
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", path
        assert "http://" not in html and "https://" not in html, f"{path} loads something from outside"
