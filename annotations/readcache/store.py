"""The read cache's keys and what is kept under them: stamps, answers and token identities.

Every call to the shared cache is made here, and any cache error counts as a miss: the
database answers and nothing is stored. What is kept and when it is dropped is described in
the package's docstring; which writes drop it is ``invalidation``'s business.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

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


def generations_drop(scopes: Iterable[str]) -> None:
    """Delete the scopes' stamps in one round trip: no answer kept under them is found again."""
    keys = [_generation_key(scope) for scope in scopes]
    try:
        cache.delete_many(keys)
    except Exception:  # the write has committed; its readers see it within BODY_TTL
        logger.error("Could not drop cached answers (%s)", keys, exc_info=True)


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
    in one round trip. Nothing is written: a stamp that is missing is drawn once the request is
    authenticated (``stamp`` is then ``None``)."""
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


def token_identities_drop(token_keys: Iterable[str]) -> None:
    """Replace the tokens' identities with a marker that keeps them out for ``TOKEN_TTL``."""
    try:
        cache.set_many({_token_key(key): _FORGOTTEN for key in token_keys}, timeout=TOKEN_TTL)
    except Exception:  # bounded by TOKEN_TTL
        logger.error("Could not drop cached token identities", exc_info=True)
