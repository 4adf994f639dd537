"""The API's body limits, applied before anything reads the body: 413 over the limit, 411 without a length.

DRF reads ``request.body`` before its parser runs, so without this a body over Django's own
``DATA_UPLOAD_MAX_MEMORY_SIZE`` would be an HTML 400, and one sent chunked (no Content-Length)
would be read as empty by Django and answered "text is required". Under /api/ both are
answered here, in the API's error shape; other URLs (the admin, the login form) keep Django's
handling.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from factcheck.api.errors import error_body
from factcheck.api.parsers import too_large_message


class RequestBodyLimits:
    """Middleware: a body under /api/ must declare its length, within ``ARTICLE_MAX_REQUEST_BYTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> JsonResponse | None:
        declared = (request.META.get("CONTENT_LENGTH") or "").strip()
        if not declared:
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return JsonResponse(
                    error_body(
                        "length_required",
                        "Send the request body with a Content-Length header; chunked bodies are not accepted.",
                    ),
                    status=411,
                )
            return None
        limit = settings.ARTICLE_MAX_REQUEST_BYTES
        if declared.isdigit() and int(declared) > limit:
            return JsonResponse(error_body("too_large", too_large_message(limit)), status=413)
        return None
