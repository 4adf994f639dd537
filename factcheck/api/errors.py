"""One error body for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.api.preconditions import etag
from factcheck.errors import ServiceError, StaleVersion


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested ``ValidationError.detail`` as ``{field: [messages]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, messages in _flatten(value).items():
                    out[f"{key}.{sub_key}"] = messages
            else:
                out[str(key)] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(v) for v in items]}


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error, DRF's or a service's, in one shape."""
    if isinstance(exc, StaleVersion):
        return _stale_version_response(exc, context.get("view"))
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handler answers (JSON under /api/)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", ["Invalid input."]))
        where = "" if first[0] == "non_field_errors" else f"{first[0]}: "
        response.data = error_body("invalid", f"{where}{first[1][0]}", fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code if isinstance(code, str) else "error", str(detail))
    return response


def _stale_version_response(exc: StaleVersion, view) -> Response:
    """412 with the object as it is now, so the client can show it and let the user re-apply.

    The view the write was refused on renders it (``view.stale_representation(obj)``): it knows
    the object's kind, and this module knows no app's serializers.
    """
    body = error_body(exc.code, exc.message)
    represent = getattr(view, "stale_representation", None)
    if represent is not None:
        body["current"] = represent(exc.current)
    return Response(body, status=exc.status_code, headers={"ETag": etag(exc.current.version)})


def api_not_found(request, exception=None):
    """404 for any URL: JSON under /api/, Django's page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    return JsonResponse(error_body("not_found", f"No such resource: {request.path}"), status=404)


def api_server_error(request):
    """500 for any URL: JSON under /api/, Django's page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    return JsonResponse(
        error_body("server_error", "The server failed to answer this request; it has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
