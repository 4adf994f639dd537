"""API permissions by the desk's roles (see ``factcheck.roles``)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from factcheck.roles import VIEWER, user_has_role


class RoleFor(BasePermission):
    """The role a request needs, declared on the view.

    ``view.roles`` maps an action to the role its writes need, ``view.read_roles`` the role a
    safe (GET) request to that action needs, and ``view.default_role`` covers the rest. An
    account without any role is refused with a hint to ask an editor.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        action = getattr(view, "action", None)
        if request.method in SAFE_METHODS:
            role = getattr(view, "read_roles", {}).get(action, view.default_role)
        else:
            role = getattr(view, "roles", {}).get(action, view.default_role)
        if user_has_role(request.user, role):
            return True
        if not user_has_role(request.user, VIEWER):
            self.message = "Your account has no role on this desk; ask an editor for one."
        else:
            self.message = f"This needs the {role} role."
        return False
