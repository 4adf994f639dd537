"""Per-user API rate limits (DRF throttles) whose rates are read from settings at request time,
and the limit on failed token authentications per client address.

DRF's stock throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute when they are
imported, so a rate set by ``override_settings`` or changed in the environment of a running
test would be ignored. These read ``API_THROTTLE_RATES`` on every request instead; a rate of
``None`` switches that scope off. An exceeded rate is answered 429 with ``Retry-After``
(DRF's ``Throttled``), in the API's one error shape.

Counters live in Django's cache (``CACHE_URL``): per process with the default local-memory
cache, shared by every web process when it points at Redis.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle

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


class FailedAuthenticationThrottle:
    """Failed token authentications per client address (scope ``auth_failure``): 429 beyond the rate.

    DRF's throttles run after authentication, so a request with a wrong token is refused 401
    before any of them counts it, and guessing tokens costs one database look-up each, for
    ever. ``factcheck.api.authentication`` asks ``refuse_if_over_limit`` before it looks a
    token up and calls ``record_failure`` when a token is refused. Once an address is over the
    rate, every token from it is refused 429 until the window ends, a valid one too: otherwise
    the guessing would go on. A valid token under the limit is served and is not counted.

    Counted in fixed windows of the rate's period with the cache's atomic ``add`` and ``incr``,
    so web processes sharing a Redis cache share the count. The address is ``REMOTE_ADDR``;
    ``X-Forwarded-For`` is trusted only with ``API_NUM_PROXIES`` set (a client could forge it).

    Desk sockets opened with a token count against the same address (``for_socket``): guessing
    through the socket instead of the API buys no more tries.
    """

    scope = "auth_failure"

    def __init__(self, request) -> None:
        self.request = request
        rate = _rate(self.scope)  # "30/minute": a number per second, minute, hour or day
        self.num_requests, self.duration = None, 0
        if rate:
            number, period = rate.split("/")
            self.num_requests, self.duration = int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def _client_address(self) -> str:
        if api_settings.NUM_PROXIES is None:
            return self.request.META.get("REMOTE_ADDR") or "unknown"
        return BaseThrottle().get_ident(self.request)

    def _window(self) -> tuple[str, float]:
        """The cache key of the current window and the seconds left in it."""
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle_{self.scope}_{self._client_address()}_{window}"
        return key, (window + 1) * self.duration - now

    @classmethod
    def for_socket(cls, scope: dict) -> FailedAuthenticationThrottle:
        """The throttle of an ASGI connection: its peer's address, and its ``X-Forwarded-For``
        header where ``API_NUM_PROXIES`` says to trust it, as a request's ``META`` has them."""
        client = scope.get("client") or ("", 0)
        meta = {"REMOTE_ADDR": client[0] or "unknown"}
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                meta["HTTP_X_FORWARDED_FOR"] = value.decode("latin1")
        return cls(SimpleNamespace(META=meta))

    def over_limit(self) -> float | None:
        """The seconds left in this window when this address failed too often in it, else None."""
        if self.num_requests is None:
            return None
        key, remaining = self._window()
        return remaining if (cache.get(key) or 0) >= self.num_requests else None

    def refuse_if_over_limit(self) -> None:
        """Raise ``Throttled`` (429, ``Retry-After``) when this address failed too often in this window."""
        remaining = self.over_limit()
        if remaining is not None:
            raise Throttled(
                wait=remaining,
                detail=(
                    "Too many failed authentications from this address; "
                    f"request was throttled. Expected available in {max(1, int(remaining + 0.999))} seconds."
                ),
            )

    def record_failure(self) -> None:
        if self.num_requests is None:
            return
        key, _ = self._window()
        cache.add(key, 0, timeout=self.duration)  # only the first failure of a window creates it
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: this failure opens a new window
            cache.add(key, 1, timeout=self.duration)
