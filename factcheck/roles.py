"""The desk's roles, kept as Django groups (created by a migration).

- viewer: reads everything.
- reviewer: reads, and reviews items.
- editor: also ingests articles and decides.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EDITOR = "editor"
REVIEWER = "reviewer"
VIEWER = "viewer"
ROLES = (EDITOR, REVIEWER, VIEWER)

# A role includes the powers of the roles after it.
_RANK = {EDITOR: 3, REVIEWER: 2, VIEWER: 1}


def user_has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    """Whether ``user`` holds ``role`` or a stronger one. Superusers hold every role.

    Group names are read once per user object and cached on it, so a request checks roles
    with one query at most.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._role_names = names
    return any(_RANK[name] >= _RANK[role] for name in names)
