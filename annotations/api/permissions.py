"""API permissions by the desk's roles (see ``annotations.roles``)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from annotations.roles import EDITOR, VIEWER, user_has_role


class ReadOrEditorWrites(BasePermission):
    """Any role reads; only editors write (ingest articles)."""

    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return user_has_role(request.user, VIEWER)
        return user_has_role(request.user, EDITOR)


class HasViewerRole(BasePermission):
    """Reading needs at least the viewer role (an account with no role sees nothing)."""

    message = "Your account has no role on this desk; ask an editor for one."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, VIEWER)
