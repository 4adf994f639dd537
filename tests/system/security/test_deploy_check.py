"""``manage.py check --deploy`` with a production environment, run as a subprocess like a deployment would.

Secrets and switches come only from the environment: the same settings module passes the
deployment checks when the environment is production-like, and flags the embedded laptop key.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "q8#Zt1v@0pX!m3Lr9$Wk2&Yh5^Nd7*Gb4(Jf6)Sc" + "x" * 20,  # 60 varied characters
    "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
}
# Variables that would change what is checked if the developer's shell happens to set them.
_SCRUBBED = {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} | {
    name for name in os.environ if name.startswith(("DJANGO_SECURE_", "DJANGO_SESSION_", "DJANGO_CSRF_"))
}


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {name: value for name, value in os.environ.items() if name not in _SCRUBBED}
    base["FACTCHECK_VAR_DIR"] = str(tmp_path)  # no shared state touched
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_a_production_environment(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)

    assert result.returncode == 0, f"check --deploy reported issues:\n{result.stdout}\n{result.stderr}"
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_embedded_laptop_key(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout, "the insecure default key must be reported"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DEBUG=False SESSION_COOKIE_SECURE=True CSRF_COOKIE_SECURE=True HSTS=31536000"),
        ({"DJANGO_DEBUG": "true"}, "DEBUG=True SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False HSTS=0"),
    ],
    ids=["nothing-set-is-production", "make-run-laptop"],
)
def test_debug_is_off_unless_the_environment_turns_it_on(tmp_path, env, expected):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(f'DEBUG={s.DEBUG} SESSION_COOKIE_SECURE={s.SESSION_COOKIE_SECURE} "
        "CSRF_COOKIE_SECURE={s.CSRF_COOKIE_SECURE} HSTS={s.SECURE_HSTS_SECONDS}')"
    )
    base = {name: value for name, value in os.environ.items() if name not in _SCRUBBED}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**base, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "FACTCHECK_VAR_DIR": str(tmp_path), **env},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
