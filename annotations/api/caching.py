"""Serving GET answers from the read cache (see ``annotations.readcache``).

Only the rendered JSON of a successful answer is kept, with its scope's stamp, for the view,
the negotiated media type and the absolute URI with its query string; authentication, roles
and throttling run before it, as for any request. Answers about an article are the same for
every role that may read them (blind mode hides reviews, which are not part of them); a queue
is kept per reviewer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import readcache


class ReadCacheMixin:
    """For views: ``self.cached_read(request, scope, where, build)`` instead of ``build()``."""

    def cached_read(self, request: Request, scope: str, where: str, build: Callable[[], Response]):
        renderer = getattr(request, "accepted_renderer", None)
        if not readcache.enabled() or request.method != "GET" or getattr(renderer, "format", None) != "json":
            return build()
        # The absolute URI: page links in the answer carry the scheme and host it was asked on.
        uri = hashlib.sha256(f"{request.accepted_media_type}\n{request.build_absolute_uri()}".encode()).hexdigest()
        where = f"{where}:{uri}"
        stamp, content = readcache.answer_get(scope, where)
        if content is not None:
            return HttpResponse(content, content_type=renderer.media_type)
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

    def cached_article_read(self, request: Request, article_id: int, build: Callable[[], Response]):
        return self.cached_read(request, readcache.article_scope(article_id), self.action, build)
