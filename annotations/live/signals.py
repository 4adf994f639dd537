"""Close the sockets of a login that ended: logout, and an API token deleted.

Receivers only relay to ``annotations.live.auth``: a logout or a deleted token closes the
sockets, a change to a user's roles or account has them check the login again at once. A
session that expires is caught by each socket's periodic re-check.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authtoken.models import Token

from annotations.live.auth import session_ended, token_revoked, users_changed


def _logged_out(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    session_ended(session.session_key if session is not None else None)


def _token_deleted(sender, instance: Token, **kwargs) -> None:
    key = instance.key
    transaction.on_commit(lambda: token_revoked(key), robust=True)


def _groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # user.groups.add(...) names the user; group.user_set.add(...) names the users in pk_set
    # (a clear from the group's side names none: its sockets wait for the periodic re-check).
    user_ids = [instance.pk] if not reverse else list(pk_set or ())
    if user_ids:
        transaction.on_commit(lambda: users_changed(user_ids), robust=True)


def _user_saved(sender, instance, created: bool, **kwargs) -> None:
    if not created:  # deactivated, password changed, made superuser or not
        user_id = instance.pk
        transaction.on_commit(lambda: users_changed([user_id]), robust=True)


def connect() -> None:
    user_logged_out.connect(_logged_out, dispatch_uid="live-desk-logout")
    post_delete.connect(_token_deleted, sender=Token, dispatch_uid="live-desk-token-deleted")
    user_model = get_user_model()
    m2m_changed.connect(_groups_changed, sender=user_model.groups.through, dispatch_uid="live-desk-user-groups")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="live-desk-user-saved")
