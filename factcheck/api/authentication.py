"""Token authentication that reads the user's desk roles in the same query as the token.

DRF's ``TokenAuthentication`` loads the token and its user; the role check then asks for the
user's groups. Every API request pays for both, so the roles are aggregated into the token
query and left on the user where ``factcheck.roles.user_has_role`` looks first. With the
read cache on (``annotations.readcache``) the answer is kept there briefly, and a request
whose token is cached makes no query at all until it touches a field not kept: the read cache's
``token_identity`` is the one place this class asks for it.

A token that fails is counted against the client's address, and an address over the rate of
failures is refused 429 before its token is looked up (``factcheck.security``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, IntegerField, Max, Value, When
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token

from annotations import readcache
from factcheck.roles import EDITOR, REVIEWER, VIEWER
from factcheck.security import FailedAuthenticationThrottle

_RANK_TO_ROLES = {3: {EDITOR}, 2: {REVIEWER}, 1: {VIEWER}, 0: set()}
# The user's fields kept with a cached token, in the model's field order (``from_db`` needs it);
# the others are deferred and loaded from the database if a caller reads them.
_KEPT_FIELDS = ("id", "is_superuser", "username", "is_staff", "is_active")


class RoleTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, answered with the user and their strongest role at once."""

    def authenticate(self, request):
        # DRF makes one instance per request and hands authenticate_credentials only the key;
        # the read cache looks up the identity for the request (its prefetch may have it).
        self.request = request
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None  # no token sent: another authentication (the session) may apply
        failures = FailedAuthenticationThrottle(request)
        failures.refuse_if_over_limit()
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            failures.record_failure()
            raise

    def authenticate_credentials(self, key: str):
        identity = readcache.token_identity(self.request, key, load=self._identity_from_database)
        if not identity["is_active"]:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        user_model = get_user_model()
        user = user_model.from_db(DEFAULT_DB_ALIAS, list(_KEPT_FIELDS), [identity[name] for name in _KEPT_FIELDS])
        # user_has_role ranks roles, so the strongest one stands for the ones below it.
        user._role_names = _RANK_TO_ROLES[identity["role_rank"]]
        token = Token.from_db(DEFAULT_DB_ALIAS, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token

    def _identity_from_database(self, key: str) -> dict:
        strongest = Max(
            Case(
                When(user__groups__name=EDITOR, then=Value(3)),
                When(user__groups__name=REVIEWER, then=Value(2)),
                When(user__groups__name=VIEWER, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        token = Token.objects.select_related("user").filter(key=key).annotate(role_rank=strongest).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return {
            **{name: getattr(token.user, name) for name in _KEPT_FIELDS},
            "role_rank": token.role_rank or 0,
        }
