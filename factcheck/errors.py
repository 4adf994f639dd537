"""Errors the services raise, mapped to HTTP answers by the API's exception handler (``factcheck.api.errors``)."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refuses, with a stable ``code`` and a message for the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(ServiceError):
    status_code = 400
    code = "invalid"


class PreconditionRequired(ServiceError):
    """A write that changes an item came without ``If-Match``."""

    status_code = 428
    code = "precondition_required"


class StaleVersion(ServiceError):
    """``If-Match`` named an older version: someone changed the item first. Carries the item."""

    status_code = 412
    code = "precondition_failed"

    def __init__(self, message: str, *, current):
        super().__init__(message)
        self.current = current


class Locked(ServiceError):
    """The article is published: its items are locked until an editor reopens it."""

    status_code = 409
    code = "locked"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class Forbidden(ServiceError):
    status_code = 403
    code = "permission_denied"


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"
