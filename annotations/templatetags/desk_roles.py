"""Template filters for the desk's roles: ``{% load desk_roles %}{% if user|has_desk_role:"editor" %}``."""

from __future__ import annotations

from django import template

from factcheck.roles import user_has_role

register = template.Library()


@register.filter
def has_desk_role(user, role: str) -> bool:
    """Whether ``user`` holds ``role`` or a stronger one (``factcheck.roles``; one query at most
    a request, and none on a page that already checked a role)."""
    return user_has_role(user, role)
