"""Who is on a desk socket, whether they may be, and telling their sockets when they no longer are.

Two ways in, as on the API:

- **Session** (the review page): the login cookie, read by Channels' session and auth
  middleware. A browser sends cookies to a socket whatever page opened it, so a session socket
  needs an ``Origin`` header that is this site (the socket's own origin, or one listed in
  ``CSRF_TRUSTED_ORIGINS``): a page on another site cannot open one in the user's name.
- **Token** (API clients): ``Authorization: Token <key>``, as the API takes it. No cookie is
  involved, so no origin is asked for (a browser cannot set that header on a socket). A wrong
  token counts against the address in the API's failed-authentication counter
  (``factcheck.security.FailedAuthenticationThrottle``); over its rate the socket is closed
  4429 before any token is looked up.

A socket is closed with 4401 when its session ends (logout, or an expired session at its next
re-check) or its token is deleted, and 4403 when its user loses their desk role or is
deactivated (at its next re-check): ``identity_still_valid`` is what the re-check asks (and refreshes the roles), and
``session_ended`` / ``token_revoked`` close the sockets at once from the signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http.request import validate_host
from rest_framework.authtoken.models import Token

from annotations.live.groups import RECHECK, REVOKED, send_to_groups, session_group, token_group, user_group
from factcheck.roles import VIEWER, user_has_role
from factcheck.security import FailedAuthenticationThrottle

# Close codes the page and API clients act on (4000-4999 are the application's).
NOT_AUTHENTICATED = 4401  # no login, the session ended or the token was revoked: log in again
FORBIDDEN = 4403  # no desk role, or the origin is not this site's
NOT_FOUND = 4404  # no such article
# More sockets than DESK_PUSH_SOCKETS_PER_USER from one user on this process, or too many failed
# tokens from the socket's address (API_THROTTLE_RATES["auth_failure"], shared with the API).
TOO_MANY = 4429


class Refusal(int):
    """A close code with the words that tell an API client why, sent as the close frame's reason
    (4429 has more than one cause; at most 123 bytes)."""

    reason: str

    def __new__(cls, code: int, reason: str) -> Refusal:
        refusal = super().__new__(cls, code)
        refusal.reason = reason
        return refusal


@dataclass(frozen=True)
class SocketIdentity:
    """The reader of one socket: their user, and the credential to re-check."""

    user: AbstractBaseUser
    session_key: str | None = None
    token_key: str | None = None

    @property
    def groups(self) -> list[str]:
        """The groups that carry this credential's revocation, and its user's changes."""
        if self.token_key:
            credential = [token_group(self.token_key)]
        else:
            credential = [session_group(self.session_key)] if self.session_key else []
        return [*credential, user_group(self.user.pk)]


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Whether a session socket's ``Origin`` is this site: the same scheme-less origin as the
    socket's own ``Host`` (one server for pages and sockets), or one listed in
    ``CSRF_TRUSTED_ORIGINS`` (pages served from another port or host, e.g. docker-compose's
    gunicorn on 8000 beside the push service on 8001). A host name alone is not enough: another
    port of the same host is another site's page that would carry the user's cookie."""
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parsed = urlparse(origin)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not host:
        return False
    return parsed.netloc.lower() == host.lower() and validate_host(parsed.hostname or "", settings.ALLOWED_HOSTS)


def socket_identity(scope: dict) -> SocketIdentity | int:
    """The socket's reader, or the close code that refuses them. Sync: call off the event loop.

    ``scope`` has been through Channels' ``AuthMiddlewareStack`` (``scope["user"]``, ``scope["session"]``).
    """
    authorization = _header(scope, b"authorization")
    if authorization is not None:
        keyword, _, key = authorization.partition(" ")
        if keyword.lower() != "token" or not key.strip():
            return NOT_AUTHENTICATED
        # Failed tokens count against the address as on the API, in the same counter: over the
        # rate, no token is looked up (a valid one neither) until the window ends.
        failures = FailedAuthenticationThrottle.for_socket(scope)
        remaining = failures.over_limit()
        if remaining is not None:
            seconds = max(1, int(remaining + 0.999))
            return Refusal(TOO_MANY, f"Too many failed authentications from this address; try again in {seconds} s.")
        user = _token_user(key.strip())
        if user is None:
            failures.record_failure()
            return NOT_AUTHENTICATED
        identity = SocketIdentity(user=user, token_key=key.strip())
    else:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            return NOT_AUTHENTICATED
        if not origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            return FORBIDDEN
        user = get_user_model().objects.get(pk=user.pk)  # a real instance, not the lazy scope one
        identity = SocketIdentity(user=user, session_key=scope["session"].session_key)
    return identity if user_has_role(identity.user, VIEWER) else FORBIDDEN


def identity_still_valid(identity: SocketIdentity) -> SocketIdentity | int:
    """The identity read again (its user's roles fresh), or the close code. Sync: call off the loop.

    Re-reads the credential as a request would: the token and its user, or the session through
    Django's own ``get_user`` (expiry, the backend, a password change since the login, an inactive
    user), then the user's roles.
    """
    if identity.token_key:
        user = _token_user(identity.token_key)
    else:
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=identity.session_key)
        user = get_user(SimpleNamespace(session=session))
    if user is None or not user.is_authenticated or user.pk != identity.user.pk:
        return NOT_AUTHENTICATED
    if not user_has_role(user, VIEWER):
        return FORBIDDEN
    return SocketIdentity(user=user, session_key=identity.session_key, token_key=identity.token_key)


def _token_user(key: str) -> AbstractBaseUser | None:
    """The active user of an API token, in one query; None for no such token."""
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def session_ended(session_key: str | None) -> None:
    """Close every socket opened under this login session (logout)."""
    if session_key:
        send_to_groups([(session_group(session_key), {"type": REVOKED})])


def users_changed(user_ids) -> None:
    """Have these users' sockets check their login and roles now (a role added or removed, an
    account deactivated): blind mode must not wait for the periodic re-check to know an editor
    became a reviewer."""
    send_to_groups([(user_group(user_id), {"type": RECHECK}) for user_id in user_ids])


def token_revoked(token_key: str) -> None:
    """Close every socket opened with this API token (the token was deleted)."""
    send_to_groups([(token_group(token_key), {"type": REVOKED})])
