"""The ``--as USER`` of the import commands: an active account with the editor role, or a clear error."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError

from factcheck.roles import EDITOR, user_has_role


def command_editor(username: str, *, only_editors: str) -> AbstractBaseUser:
    """The active editor ``username``; ``CommandError`` saying how to fix it otherwise.

    ``only_editors`` ends the message for a user without the role ("only editors ingest articles").
    """
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user '{username}'. Create one: manage.py adduser {username} --role editor")
    if not user_has_role(user, EDITOR):
        raise CommandError(f"'{username}' is not an editor; {only_editors}.")
    return user
