"""Errors the services raise, mapped to HTTP answers by the API's exception handler."""

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


class PermanentExtractionError(Exception):
    """Extraction cannot succeed by trying again (a page with no text, a 404 URL ...)."""


class TransientExtractionError(Exception):
    """Extraction may succeed later (a network hiccup, a 503 from the source site ...)."""
