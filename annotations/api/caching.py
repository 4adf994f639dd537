"""Serving GET answers from the read cache (see ``annotations.readcache``).

Only the rendered JSON of a successful answer is kept, with its scope's stamp, for the view,
the negotiated media type and the absolute URI with its query string; authentication, roles
and throttling run before it, as for any request. Answers about an article are the same for
every role that may read them (blind mode hides reviews, which are not part of them); a queue
is kept per reviewer (per token, when the request names one).

A view that can name its answer from the request alone (``read_cache_key``) has the answer and
the token's identity fetched in one round trip before authentication; the identity then serves
the authentication, and the answer is served only once authentication, permissions and
throttles have passed. Other reads fetch the identity, then the answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.http import HttpResponse
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import readcache
from factcheck.api.authentication import RoleTokenAuthentication


def request_token(request: Request) -> str | None:
    """The key of an ``Authorization: Token <key>`` header, or None (parsed as DRF's token
    authentication parses it; a malformed header is left for authentication to refuse)."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != RoleTokenAuthentication.keyword.lower().encode():
        return None
    try:
        return parts[1].decode()
    except UnicodeError:
        return None


class ReadCacheMixin:
    """For views: ``self.cached_read(request, scope, where, build)`` instead of ``build()``."""

    def read_cache_key(self, request: Request) -> tuple[str, str] | None:
        """``(scope, where)`` of this request's answer when the request alone names it; None otherwise."""
        return None

    def _cacheable(self, request: Request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        return readcache.enabled() and request.method == "GET" and getattr(renderer, "format", None) == "json"

    def _answer_where(self, request: Request, where: str) -> str:
        # The absolute URI: page links in the answer carry the scheme and host it was asked on.
        uri = getattr(request, "_readcache_uri", None)
        if uri is None:
            uri = f"{request.accepted_media_type}\n{request.build_absolute_uri()}"
            request._readcache_uri = uri = hashlib.sha256(uri.encode()).hexdigest()
        return f"{where}:{uri}"

    def perform_authentication(self, request: Request) -> None:
        # Only a request that names a token gains from the prefetch (its identity comes along);
        # an anonymous or session request asks the cache after authentication, as before.
        token = request_token(request) if self._cacheable(request) else None
        key = self.read_cache_key(request) if token is not None else None
        if key is not None:
            scope, where = key
            request._readcache_prefetched = readcache.read_prefetch(
                scope=scope, where=self._answer_where(request, where), token_key=token
            )
        super().perform_authentication(request)

    def cached_read(self, request: Request, scope: str, where: str, build: Callable[[], Response]):
        if not self._cacheable(request):
            return build()
        where = self._answer_where(request, where)
        prefetched = getattr(request, "_readcache_prefetched", None)
        if prefetched is not None and (prefetched.scope, prefetched.where) == (scope, where):
            stamp, content = prefetched.stamp, prefetched.answer
            if stamp is None and not prefetched.failed:
                stamp = readcache.generation(scope)  # drawn only now that the request is authenticated
        else:
            stamp, content = readcache.answer_get(scope, where)
        if content is not None:
            return HttpResponse(content, content_type=request.accepted_renderer.media_type)
        if stamp is not None:  # finalize_response keeps the answer if it is a 200
            request._readcache_slot = (scope, where, stamp)
        return build()

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        slot = getattr(request, "_readcache_slot", None)
        if slot is not None and isinstance(response, Response) and response.status_code == 200:
            response.render()
            readcache.answer_set(*slot, response.content)
        return response


class ArticleReadCacheMixin(ReadCacheMixin):
    """For the article viewset: answers about one article, kept per action."""

    cached_actions = ("retrieve", "claims", "quotes")

    def read_cache_key(self, request: Request) -> tuple[str, str] | None:
        pk = self.kwargs.get("pk")
        if self.action not in self.cached_actions or not re.fullmatch(self.lookup_value_regex, str(pk)):
            return None
        return readcache.article_scope(int(pk)), self.action

    def cached_article_read(self, request: Request, article_id: int, build: Callable[[], Response]):
        return self.cached_read(request, readcache.article_scope(article_id), self.action, build)
