"""Close the sockets of a login that ended: logout, and an API token deleted.

Receivers only relay to ``annotations.live.auth``; a session that expires, a password change, a
deactivated user or a removed role is caught by each socket's periodic re-check instead.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete
from rest_framework.authtoken.models import Token

from annotations.live.auth import session_ended, token_revoked


def _logged_out(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    session_ended(session.session_key if session is not None else None)


def _token_deleted(sender, instance: Token, **kwargs) -> None:
    key = instance.key
    transaction.on_commit(lambda: token_revoked(key), robust=True)


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="live-desk-logout")
    post_delete.connect(_token_deleted, sender=Token, dispatch_uid="live-desk-token-deleted")
