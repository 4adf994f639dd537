"""Password logins (the desk's /accounts/login/ and the admin's /admin/login/) resist guessing.

Failed logins are counted per account and per address in the database (django-axes), so every
web process of a deployment sees the same counts; past the limit the login is refused with 429
and a page that says why and whom to ask, even with the right password.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each counted failure checks a password; PBKDF2's real cost would make these tests minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _account(username: str, **fields):
    user = UserFactory(username=username, role="reviewer", **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def _post(client: Client, username: str, password: str, *, path: str = "/accounts/login/", address: str = "10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.attack(
    "password login",
    "25 wrong passwords for one account in a few seconds, then the right one (/accounts/login/)",
    "429 from the limit on, with a page saying why and whom to ask; the right password does not log in",
)
def test_guessing_a_desk_password_locks_the_account_and_the_right_password_is_refused(client, caplog):
    _account("rita")
    answers = []
    with caplog.at_level(logging.WARNING):
        for guess in range(25):
            answers.append(_post(client, "rita", f"guess-{guess}").status_code)
        right = _post(client, "rita", PASSWORD)

    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, "did not match"
    assert set(answers[limit - 1 :]) == {429}
    assert right.status_code == 429
    html = right.content.decode()
    assert "Too many failed logins" in html and "ask the desk's admin" in html
    assert f"{settings.AXES_COOLOFF_TIME.total_seconds() / 60:.0f} minutes" in html
    assert not _logged_in(client)
    assert any("Locking out" in record.getMessage() and "rita" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
@pytest.mark.attack(
    "password login",
    "25 wrong passwords for a staff account on /admin/login/, then the right one",
    "429 lockout page; the admin stays closed",
)
def test_guessing_an_admin_password_locks_the_admin_login_too(client):
    _account("boss", is_staff=True, is_superuser=True)
    for guess in range(25):
        _post(client, "boss", f"guess-{guess}", path="/admin/login/")

    right = _post(client, "boss", PASSWORD, path="/admin/login/")

    assert right.status_code == 429
    assert "Too many failed logins" in right.content.decode()
    assert not _logged_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login form


@pytest.mark.django_db
@pytest.mark.attack(
    "password login",
    "one address tries one password against many accounts (spraying)",
    "the address is locked for every account; other addresses still log in",
)
def test_spraying_many_accounts_from_one_address_locks_that_address_only(client):
    _account("rita")
    for number in range(settings.AXES_FAILURE_LIMIT):
        _post(client, f"someone-{number}", "Summer2025!", address="10.0.0.66")

    from_sprayer = _post(Client(), "rita", PASSWORD, address="10.0.0.66")
    elsewhere = Client()
    from_desk = _post(elsewhere, "rita", PASSWORD, address="10.0.0.7")

    assert from_sprayer.status_code == 429
    assert from_desk.status_code == 302 and _logged_in(elsewhere)


@pytest.mark.django_db
@pytest.mark.attack(
    "password login",
    "guesses against one account, each from a different address",
    "the account is locked whatever the address",
)
def test_guessing_from_many_addresses_still_locks_the_account(client):
    _account("rita")
    for number in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(), "rita", "wrong", address=f"10.0.1.{number + 1}")

    fresh = Client()
    answer = _post(fresh, "rita", PASSWORD, address="10.0.2.1")

    assert answer.status_code == 429 and not _logged_in(fresh)


@pytest.mark.django_db
def test_a_few_typos_do_not_lock_and_the_right_password_logs_in(client):
    _account("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, "rita", "typo").status_code == 200

    assert _post(client, "rita", PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_an_admin_unlocks_an_account_with_the_reset_command(client):
    _account("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "rita", "wrong")
    assert _post(client, "rita", PASSWORD).status_code == 429

    call_command("axes_reset_username", "rita")

    assert _post(client, "rita", PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_an_admin_unlocks_an_account_from_the_admin_pages(client):
    _account("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(), "rita", "wrong")
    admin = Client()
    admin.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    attempts = admin.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "rita" in attempts.content.decode()

    attempt = AccessAttempt.objects.get(username="rita")
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert not AccessAttempt.objects.filter(username="rita").exists()
    assert _post(client, "rita", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lockout_ends_by_itself_after_the_cool_off(client):
    _account("rita")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "rita", "wrong")
    assert _post(client, "rita", PASSWORD).status_code == 429

    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert _post(client, "rita", PASSWORD).status_code == 302
