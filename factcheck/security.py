"""Per-user API rate limits (DRF throttles) whose rates are read from settings at request time.

DRF's stock throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute when they are
imported, so a rate set by ``override_settings`` or changed in the environment of a running
test would be ignored. These read ``API_THROTTLE_RATES`` on every request instead; a rate of
``None`` switches that scope off. An exceeded rate is answered 429 with ``Retry-After``
(DRF's ``Throttled``), in the API's one error shape.

Counters live in Django's cache (``CACHE_URL``): per process with the default local-memory
cache, shared by every web process when it points at Redis.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _rate(scope: str) -> str | None:
    return (getattr(settings, "API_THROTTLE_RATES", None) or {}).get(scope)


class _SettingsRate:
    """Mixin: the rate of ``scope`` comes from ``settings.API_THROTTLE_RATES`` at request time."""

    scope: str

    def __init__(self) -> None:  # SimpleRateThrottle reads the rate in __init__: read ours
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return _rate(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        return super().allow_request(request, view)


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Every request of an authenticated user (by user id; anonymous ones by address)."""

    scope = "user"


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Requests with no credentials that a view lets through (the schema and its docs)."""

    scope = "anon"


class UserWriteThrottle(_SettingsRate, SimpleRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) of a user: ingestion and review are the costly ones."""

    scope = "write"

    def get_cache_key(self, request, view) -> str | None:
        if request.method not in _UNSAFE_METHODS:
            return None  # not counted
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
