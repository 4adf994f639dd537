"""Token authentication that reads the user's desk roles in the same query as the token.

DRF's ``TokenAuthentication`` loads the token and its user; the role check then asks for the
user's groups. Every API request pays for both, so the roles are aggregated into the token
query and left on the user where ``annotations.roles.user_has_role`` looks first.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Max, Value, When
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from annotations.roles import EDITOR, REVIEWER, VIEWER

_RANK_TO_ROLES = {3: {EDITOR}, 2: {REVIEWER}, 1: {VIEWER}, 0: set()}


class RoleTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, answered with the user and their strongest role at once."""

    def authenticate_credentials(self, key: str):
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
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        # user_has_role ranks roles, so the strongest one stands for the ones below it.
        token.user._role_names = _RANK_TO_ROLES[token.role_rank or 0]
        return token.user, token
