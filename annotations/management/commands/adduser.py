"""``manage.py adduser USERNAME --role editor|reviewer|viewer``: a desk account and its API token."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from factcheck.roles import ROLES


class Command(BaseCommand):
    help = "Create the user if missing, give it a role, and print its API token as the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES, help="The desk role to grant.")
        parser.add_argument("--email", default="", help="E-mail address for a new user.")
        parser.add_argument(
            "--password",
            default=None,
            help="Password for logging in to the web pages (default: none, token access only).",
        )

    def handle(self, *args, username: str, role: str, email: str, password: str | None, **options) -> None:
        with transaction.atomic():
            group, _ = Group.objects.get_or_create(name=role)
            user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
            if created and password is None:
                user.set_unusable_password()
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.add(group)
            token, _ = Token.objects.get_or_create(user=user)
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user '{username}' with role '{role}'. API token:")
        self.stdout.write(token.key)
