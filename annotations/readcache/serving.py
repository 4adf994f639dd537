"""Serving GET answers from the read cache: a mixin for the views, and the identity hook for
the token authentication.

Only the rendered JSON of a successful answer is kept, with its scope's stamp, for the view,
the negotiated media type and the absolute URI with its query string; authentication, roles
and throttling run before it, as for any request. Answers about an article are kept only when
they are the same for every reader: an article in blind mode shows each reader the statuses
they may see until it is published, so its answers are computed for each request and not kept
(the view says so with ``read_cache_keep_not``; turning blind mode on, publishing or reopening
saves the article, which drops every answer kept about it before). A queue is kept per reviewer
(per token, when the request names one).

A view that can name its answer from the request alone (``read_cache_key``) has the answer and
the token's identity fetched in one round trip before authentication; the authentication asks
``token_identity`` for that identity, and the answer is served only once authentication,
permissions and throttles have passed. Other reads fetch the identity, then the answer.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.readcache.store import (
    Prefetched,
    answer_get,
    answer_set,
    article_scope,
    enabled,
    generation,
    read_prefetch,
    token_identity_get,
    token_identity_set,
)

# What the prefetch found, for the request it was made for, while that request authenticates.
_prefetched: weakref.WeakKeyDictionary[Request, Prefetched] = weakref.WeakKeyDictionary()


def request_token(request: Request) -> str | None:
    """The key of an ``Authorization: Token <key>`` header, or None (parsed as the view's token
    authentication parses it; a malformed header is left for authentication to refuse)."""
    keyword = next((auth.keyword for auth in request.authenticators if isinstance(auth, TokenAuthentication)), None)
    parts = get_authorization_header(request).split()
    if keyword is None or len(parts) != 2 or parts[0].lower() != keyword.lower().encode():
        return None
    try:
        return parts[1].decode()
    except UnicodeError:
        return None


def token_identity(
    request: Request, token_key: str, *, load: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """The identity a token stands for, for the token authentication: the one prefetched with
    this request's answer, else the one kept in the cache, else ``load(token_key)`` (kept then).

    ``load`` reads the database and raises when the token is unknown.
    """
    prefetched = _prefetched.get(request)
    if prefetched is not None and prefetched.token_key == token_key and not prefetched.failed:
        identity = prefetched.identity  # None: not kept, so asking the cache again would miss too
    else:
        identity = token_identity_get(token_key)
    if identity is None:
        identity = load(token_key)
        token_identity_set(token_key, identity)
    return identity


class ReadCacheMixin:
    """For views: ``self.cached_read(request, scope, where, build)`` instead of ``build()``."""

    _read_cache_uri: str | None = None  # the request's hashed URI, computed once
    _read_cache_prefetched: Prefetched | None = None
    _read_cache_slot: tuple[str, str, str] | None = None  # where finalize_response keeps the answer

    def read_cache_key(self, request: Request) -> tuple[str, str] | None:
        """``(scope, where)`` of this request's answer when the request alone names it; None otherwise."""
        return None

    def _cacheable(self, request: Request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        return enabled() and request.method == "GET" and getattr(renderer, "format", None) == "json"

    def _answer_where(self, request: Request, where: str) -> str:
        # The absolute URI: page links in the answer carry the scheme and host it was asked on.
        if self._read_cache_uri is None:
            uri = f"{request.accepted_media_type}\n{request.build_absolute_uri()}"
            self._read_cache_uri = hashlib.sha256(uri.encode()).hexdigest()
        return f"{where}:{self._read_cache_uri}"

    def perform_authentication(self, request: Request) -> None:
        # Only a request that names a token gains from the prefetch (its identity comes along);
        # an anonymous or session request asks the cache after authentication, as before.
        token = request_token(request) if self._cacheable(request) else None
        key = self.read_cache_key(request) if token is not None else None
        if key is None:
            super().perform_authentication(request)
            return
        scope, where = key
        self._read_cache_prefetched = read_prefetch(
            scope=scope, where=self._answer_where(request, where), token_key=token
        )
        _prefetched[request] = self._read_cache_prefetched
        try:
            super().perform_authentication(request)
        finally:
            _prefetched.pop(request, None)

    def cached_read(self, request: Request, scope: str, where: str, build: Callable[[], Response]):
        if not self._cacheable(request):
            return build()
        where = self._answer_where(request, where)
        prefetched = self._read_cache_prefetched
        if prefetched is not None and (prefetched.scope, prefetched.where) == (scope, where):
            stamp, content = prefetched.stamp, prefetched.answer
            if stamp is None and not prefetched.failed:
                stamp = generation(scope)  # drawn only now that the request is authenticated
        else:
            stamp, content = answer_get(scope, where)
        if content is not None:
            return HttpResponse(content, content_type=request.accepted_renderer.media_type)
        if stamp is not None:  # finalize_response keeps the answer if it is a 200
            self._read_cache_slot = (scope, where, stamp)
        return build()

    def read_cache_keep_not(self) -> None:
        """For a ``build`` whose answer depends on who asks: it is served, and not kept."""
        self._read_cache_slot = None

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._read_cache_slot is not None and isinstance(response, Response) and response.status_code == 200:
            response.render()
            answer_set(*self._read_cache_slot, response.content)
        return response


class ArticleReadCacheMixin(ReadCacheMixin):
    """For the article viewset: answers about one article, kept per action."""

    cached_actions = ("retrieve", "claims", "quotes")

    def read_cache_key(self, request: Request) -> tuple[str, str] | None:
        pk = self.kwargs.get("pk")
        if self.action not in self.cached_actions or not re.fullmatch(self.lookup_value_regex, str(pk)):
            return None
        return article_scope(int(pk)), self.action

    def cached_article_read(self, request: Request, article_id: int, build: Callable[[], Response]):
        return self.cached_read(request, article_scope(article_id), self.action, build)
