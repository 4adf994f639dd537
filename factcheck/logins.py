"""Password logins resist guessing: the lockout policy's two hooks for django-axes.

Every failed password login, on the desk's form (``/accounts/login/``) and the admin's
(``/admin/login/``), is recorded by django-axes in the database (``axes.AccessAttempt``), so
every web process sees the same counts, on SQLite as on PostgreSQL. Failures are counted per
account and per client address, separately: ``LOGIN_FAILURE_LIMIT`` of either within
``LOGIN_COOLOFF_MINUTES`` locks that account (from anywhere) or that address (for every
account), even with the right password, until no failure has been counted for that long (a try
while locked counts too). An admin
unlocks sooner from the admin (Axes > Access attempts: delete the rows) or with
``manage.py axes_reset_username NAME`` / ``axes_reset_ip ADDRESS``.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def login_client_address(request: HttpRequest) -> str:
    """The address failed logins are counted against: the one the API's throttles use
    (``REMOTE_ADDR``, or X-Forwarded-For behind ``API_NUM_PROXIES`` trusted proxies), so that a
    desk behind a proxy is not one address for everyone and a client cannot forge a fresh one."""
    return BaseThrottle().get_ident(request)


def login_locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """The answer to a login past the limit: 429 with ``Retry-After`` and the login page's layout,
    saying why, for how long, and whom to ask."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {
        "username": (credentials or {}).get("username", ""),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": math.ceil(seconds / 60),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
