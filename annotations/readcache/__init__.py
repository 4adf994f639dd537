"""Copies of the API's most frequent reads in the shared cache, and what makes them stale.

Two things are kept, and only when every process that writes shares the cache (Redis or
Memcached; setting ``API_READ_CACHE``, on by default with such a cache, off with the laptop's
in-process one, where a worker's write could not reach a web process's copy):

- a token's user and role, so that authenticating a request costs one cache read instead of a
  query. Dropped when the token is deleted or its user or their groups change, and after
  ``TOKEN_TTL`` seconds at most (a change that bypasses ``save()`` is seen by then). A dropped
  identity leaves a marker, so a request that read the row just before the change cannot put
  the old identity back.
- rendered JSON answers, each kept with the *generation* of what it shows: a random stamp kept
  in the cache. An answer counts only while its stamp is the current one. Every committed
  change deletes the stamps it concerns, so the next read draws a new one and no earlier answer
  is used again; a read that started before a change keeps its answer with the old stamp,
  which no longer matches. Answers and stamps expire after ``BODY_TTL``, so keys that are read
  once cost the cache nothing for long. The stamp and the answer are read in one round trip.
  Two scopes carry a stamp: one article (its detail and its pages of claims and quotes; stamp
  dropped by any change to the article, its extraction job or its items) and the *desk*, which
  every reviewer's queue reads across all articles (stamp dropped by every one of those changes
  on any article, and by every review).

The package's boundary, and nothing else, is used from outside it:

- ``store``: the keys and what is kept under them (stamps, answers, identities, TTLs);
- ``serving``: ``ReadCacheMixin`` / ``ArticleReadCacheMixin`` on the views, and
  ``token_identity``, which the token authentication asks for the identity of a token;
- ``invalidation``: the receivers (connected from the app's ``ready()``) and ``after_update``,
  the one rule for writes made with ``QuerySet.update()``.
"""

from annotations.readcache.invalidation import after_update
from annotations.readcache.serving import ArticleReadCacheMixin, ReadCacheMixin, request_token, token_identity
from annotations.readcache.store import DESK, token_digest

__all__ = [
    "DESK",
    "ArticleReadCacheMixin",
    "ReadCacheMixin",
    "after_update",
    "request_token",
    "token_digest",
    "token_identity",
]
