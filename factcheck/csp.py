"""Content-Security-Policy on every answer, and the API docs pages' own, looser one.

Django 5.2 has no CSP of its own. The desk's pages need nothing inline (scripts and styles are
files under ``static/``, the page script's settings a JSON data block, bar widths SVG
attributes), so the policy allows scripts, styles and everything else from this origin only,
plus ``data:`` images (the admin's icons). A page that breaks under it shows a "Refused to ..."
error in the browser's console; ``tests/e2e/test_content_security_policy.py`` looks for those.

The API docs (Swagger UI and Redoc, served from the ``drf-spectacular-sidecar`` package's static
files: nothing from a CDN) inject ``<style>`` elements and Redoc runs its search in a ``blob:``
worker, so their views are wrapped in :func:`api_docs_policy`. Scripts stay ``'self'`` there too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` to every answer that has no policy of its own
    (an empty setting sends none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and HEADER not in response:
            response[HEADER] = settings.CONTENT_SECURITY_POLICY
        return response


def api_docs_policy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a docs view so its answers carry ``settings.CONTENT_SECURITY_POLICY_API_DOCS``."""

    @wraps(view)
    def with_docs_policy(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if settings.CONTENT_SECURITY_POLICY_API_DOCS:
            response[HEADER] = settings.CONTENT_SECURITY_POLICY_API_DOCS
        return response

    return with_docs_policy
