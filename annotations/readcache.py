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

Any cache error counts as a miss: the database answers and nothing is stored.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)

TOKEN_TTL = 60
BODY_TTL = 300
_PREFIX = "readcache:v1"


def enabled() -> bool:
    return settings.API_READ_CACHE


# --- Answers ------------------------------------------------------------------------------

DESK = "desk"


def article_scope(article_id: int) -> str:
    """The scope of the answers about one article."""
    return f"article:{article_id}"


def _generation_key(scope: str) -> str:
    return f"{_PREFIX}:{scope}:generation"


def generation(scope: str) -> str | None:
    """The scope's current stamp (drawn when there is none); ``None`` when the cache fails."""
    key = _generation_key(scope)
    try:
        stamp = cache.get(key)
        if stamp is None:
            cache.add(key, secrets.token_hex(8), timeout=BODY_TTL)
            stamp = cache.get(key)
    except Exception:  # any cache failure is a miss, never an error for the reader
        logger.warning("Read cache unavailable (%s generation)", scope, exc_info=True)
        return None
    return stamp


def _answer_key(scope: str, where: str) -> str:
    return f"{_PREFIX}:{scope}:answer:{where}"


def answer_get(scope: str, where: str) -> tuple[str | None, bytes | None]:
    """The scope's stamp and the answer kept for ``where`` under that stamp, in one round trip.

    Returns ``(None, None)`` when the cache fails (nothing is stored then), and the stamp with
    ``None`` when there is no answer for the current stamp.
    """
    try:
        found = cache.get_many([_generation_key(scope), _answer_key(scope, where)])
    except Exception:  # see generation
        logger.warning("Read cache unavailable (%s answer)", scope, exc_info=True)
        return None, None
    stamp, answer = _kept_answer(found, scope, where)
    if stamp is None:
        return generation(scope), None
    return stamp, answer


def _kept_answer(found: dict[str, Any], scope: str, where: str) -> tuple[str | None, bytes | None]:
    """From what a ``get_many`` found: the scope's stamp, and the answer for ``where`` if it was
    kept under that stamp."""
    stamp, answer = found.get(_generation_key(scope)), found.get(_answer_key(scope, where))
    return stamp, answer[1] if stamp is not None and answer is not None and answer[0] == stamp else None


@dataclass(frozen=True)
class Prefetched:
    """What one round trip found for a read: the answer for ``where`` under the scope's current
    stamp, and the identity kept for the request's token, asked for together before the request
    is authenticated. Nothing of it is served until authentication and permissions have passed.

    ``stamp`` is ``None`` when the scope has none yet (or the cache failed: ``failed``);
    ``answer`` is ``None`` when none is kept under the current stamp; ``identity`` is ``None``
    when none is kept for ``token_key``.
    """

    scope: str
    where: str
    token_key: str
    stamp: str | None
    answer: bytes | None
    identity: dict[str, Any] | None
    failed: bool = False


def read_prefetch(*, scope: str, where: str, token_key: str) -> Prefetched:
    """The scope's stamp, the answer kept for ``where`` and the identity kept for ``token_key``,
    in one round trip. Nothing is written: a stamp that is missing is drawn by
    ``cached_read`` once the request is authenticated (``stamp`` is then ``None``)."""
    identity_key = _token_key(token_key)
    try:
        found = cache.get_many([_generation_key(scope), _answer_key(scope, where), identity_key])
    except Exception:  # see generation
        logger.warning("Read cache unavailable (%s answer)", scope, exc_info=True)
        return Prefetched(scope, where, token_key, stamp=None, answer=None, identity=None, failed=True)
    stamp, answer = _kept_answer(found, scope, where)
    identity = found.get(identity_key)
    identity = identity if isinstance(identity, dict) else None  # a dropped identity leaves a marker
    return Prefetched(scope, where, token_key, stamp=stamp, answer=answer, identity=identity)


def answer_set(scope: str, where: str, stamp: str, content: bytes) -> None:
    """Keep an answer computed after reading ``stamp``; it is found only while the stamp lasts."""
    try:
        cache.set(_answer_key(scope, where), (stamp, content), timeout=BODY_TTL)
    except Exception:  # see generation
        logger.warning("Read cache unavailable (%s answer)", scope, exc_info=True)


def article_changed(*, article_id: int | None = None, revision_id: int | None = None, job_id: int | None = None):
    """After the current transaction commits, make the cached answers about the article, and
    every queue, unreachable.

    Name the article, or one of its revisions or extraction jobs (looked up after the commit,
    so a write that knows only that id pays nothing more inside its transaction).
    """
    if enabled():
        _forget_after_commit((article_id, revision_id, job_id))


def desk_changed() -> None:
    """After the current transaction commits, make every queue's cached answer unreachable."""
    if enabled():
        _forget_after_commit((None, None, None))


# Changes waiting for a commit, per connection (per thread and database alias, as Django's
# on_commit hooks are). One write saves an item, a review and perhaps the superseded review:
# each asks for an invalidation, and the first callback to run after the commit drops them all
# in one round trip; the others find nothing left. A change whose savepoint or transaction
# rolled back stays pending and is dropped with the next commit's (an answer made unreachable
# for nothing costs one recomputation, never a stale read), or discarded when the next request
# starts outside any transaction (``pending_discard``).
_pending = threading.local()
Change = tuple[int | None, int | None, int | None]  # (article_id, revision_id, job_id)


def _pending_changes(using: str) -> set[Change]:
    by_alias = getattr(_pending, "by_alias", None)
    if by_alias is None:
        by_alias = _pending.by_alias = {}
    return by_alias.setdefault(using, set())


def _forget_after_commit(change: Change, using: str = DEFAULT_DB_ALIAS) -> None:
    _pending_changes(using).add(change)
    transaction.on_commit(lambda: _forget_pending(using), using=using)


def _forget_pending(using: str) -> None:
    pending = _pending_changes(using)
    if pending:
        changes = set(pending)
        pending.clear()
        _forget(changes)


def pending_discard(using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the invalidations asked for by work that never committed. Only for a caller with no
    transaction open on ``using`` (a request that starts): anything pending then rolled back."""
    if not transaction.get_connection(using).in_atomic_block:
        _pending_changes(using).clear()


def _forget(changes: set[Change]) -> None:
    from annotations.models import ArticleRevision, ExtractionJob

    # Each change names one of the three (see article_changed); the desk's names none.
    article_ids, revision_ids, job_ids = set(), set(), set()
    for article_id, revision_id, job_id in changes:
        if article_id is not None:
            article_ids.add(article_id)
        elif revision_id is not None:
            revision_ids.add(revision_id)
        elif job_id is not None:
            job_ids.add(job_id)
    try:  # a failed look-up loses only the articles it was for: the desk and the known ones still go
        if revision_ids:
            article_ids.update(ArticleRevision.objects.filter(pk__in=revision_ids).values_list("article_id", flat=True))
        if job_ids:
            article_ids.update(ExtractionJob.objects.filter(pk__in=job_ids).values_list("article_id", flat=True))
    except Exception:  # the write has committed; its readers see it within BODY_TTL
        logger.error("Could not find the articles of changed revisions %s / jobs %s", revision_ids, job_ids,
                     exc_info=True)
    keys = [_generation_key(DESK), *(_generation_key(article_scope(pk)) for pk in sorted(article_ids))]
    try:
        cache.delete_many(keys)
    except Exception:  # as above
        logger.error("Could not drop cached answers (%s)", keys, exc_info=True)


# --- Tokens --------------------------------------------------------------------------------


def token_digest(token_key: str) -> str:
    """What the cache may know of a token: it is a secret, so the cache only ever sees its hash."""
    return hashlib.sha256(token_key.encode()).hexdigest()


def _token_key(token_key: str) -> str:
    return f"{_PREFIX}:token:{token_digest(token_key)}"


# Left where an identity was dropped: until it expires no identity is stored for that token, so
# a request that read the token's row just before the change cannot store what it read after.
_FORGOTTEN = "forgotten"


def token_identity_get(token_key: str) -> dict[str, Any] | None:
    if not enabled():
        return None
    try:
        identity = cache.get(_token_key(token_key))
    except Exception:  # see generation
        logger.warning("Read cache unavailable (token)", exc_info=True)
        return None
    return identity if isinstance(identity, dict) else None


def token_identity_set(token_key: str, identity: dict[str, Any]) -> None:
    """Keep an identity read from the database, unless it was dropped in the last TOKEN_TTL."""
    if not enabled():
        return
    try:
        cache.add(_token_key(token_key), identity, timeout=TOKEN_TTL)
    except Exception:  # see generation
        logger.warning("Read cache unavailable (token)", exc_info=True)


def tokens_forget(*, token_keys: list[str] | None = None, user_id: int | None = None) -> None:
    """Drop cached identities now and again after commit, leaving a marker that keeps a request
    which read the row before the change from storing it again (the token is then read from the
    database for up to ``TOKEN_TTL`` seconds)."""
    if not enabled():
        return
    from rest_framework.authtoken.models import Token

    def forget() -> None:
        keys = list(token_keys or [])
        if user_id is not None:
            keys += Token.objects.filter(user_id=user_id).values_list("key", flat=True)
        try:
            cache.set_many({_token_key(key): _FORGOTTEN for key in keys}, timeout=TOKEN_TTL)
        except Exception:  # bounded by TOKEN_TTL
            logger.error("Could not drop cached token identities", exc_info=True)

    forget()
    transaction.on_commit(forget)
