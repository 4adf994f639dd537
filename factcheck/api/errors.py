"""One error body for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import logging
import sys

import kombu.exceptions
import redis.exceptions
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.api.preconditions import etag
from factcheck.errors import ServiceError, StaleVersion

logger = logging.getLogger(__name__)

# A server the request needs is gone: the database (psycopg's lost or refused connection is
# Django's OperationalError, a closed one its InterfaceError), the broker (kombu wraps the
# transport's errors in its OperationalError) or the Redis cache. Answered 503, not 500: the
# request was not at fault, nothing was changed, and the same request later will work. The
# fault runs of RELIABILITY.md recover in 4 to 9 s, hence the Retry-After.
_OUTAGES = (OperationalError, InterfaceError, kombu.exceptions.OperationalError, redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError)
OUTAGE_RETRY_AFTER_SECONDS = 5


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` says a server is unreachable (an ``InterfaceError`` only for a closed connection:
    SQLite raises it for a parameter it cannot bind too, a bug that stays a 500)."""
    if isinstance(exc, InterfaceError):
        return "closed" in str(exc) or "connection" in str(exc).lower()
    return isinstance(exc, _OUTAGES)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _outage_body() -> dict:
    return error_body(
        "unavailable",
        "The service is briefly unavailable: its database or queue cannot be reached. "
        "Retry after the number of seconds in Retry-After.",
    )


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
    if is_outage(exc):
        request = context.get("request")
        logger.error("Outage answered 503 on %s: %s: %s", getattr(request, "path", "?"), type(exc).__name__, exc)
        return Response(
            _outage_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)},
        )
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
    """500 for any URL: JSON under /api/, Django's page elsewhere; under /api/ an outage is 503.

    Django calls this while handling the exception (one raised before DRF's handler could see
    it, in a middleware), so ``sys.exc_info()`` names it; Django has logged it already.
    """
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    if is_outage(sys.exc_info()[1]):
        response = JsonResponse(_outage_body(), status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
        return response
    return JsonResponse(
        error_body("server_error", "The server failed to answer this request; it has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
