"""Who has an article open, and which item each of them has selected or is writing on.

One entry per open socket, keyed by its channel name, holding the reader's username, the item
they have selected (or none) and whether they are typing a rationale, with the time it was last
said. An entry is shown while it is younger than ``PRESENCE_TTL_SECONDS``: pages repeat theirs
every third of that, a closed socket removes its own, and one whose process died without a word
simply ages out.

Kept in Redis (one hash per article, on ``CHANNEL_LAYER_URL``) when the channel layer is Redis,
so every ASGI process and every web process reading the article list sees the same desk; else
in this process's memory, which is the whole truth when one process serves the desk (``make run``).
The functions are sync (the consumer runs them off its event loop) and fail soft: presence is a
courtesy, and a Redis outage empties it rather than breaking a page.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

Entry = dict[str, Any]  # {"user": str, "item": int | None, "typing": bool, "seen": float}

_KEY = "factcheck:presence:{article}"
_memory: dict[int, dict[str, Entry]] = {}
_memory_lock = threading.Lock()
_client: redis.Redis | None = None
_client_lock = threading.Lock()


def _redis() -> redis.Redis | None:
    global _client
    if not settings.CHANNEL_LAYER_URL:
        return None
    with _client_lock:
        if _client is None:
            _client = redis.Redis.from_url(settings.CHANNEL_LAYER_URL, socket_timeout=1, socket_connect_timeout=1)
        return _client


def _fresh(entries: dict[str, Entry], now: float) -> tuple[dict[str, Entry], list[str]]:
    ttl = settings.PRESENCE_TTL_SECONDS
    fresh = {conn: entry for conn, entry in entries.items() if now - entry["seen"] < ttl}
    return fresh, [conn for conn in entries if conn not in fresh]


def _shown(entries: dict[str, Entry]) -> list[Entry]:
    """The entries as pages get them: no socket names, by user then item."""
    people = [{"user": e["user"], "item": e["item"], "typing": e["typing"]} for e in entries.values()]
    return sorted(people, key=lambda person: (person["user"], person["item"] or 0, person["typing"]))


def presence_put(*, article_id: int, connection: str, user: str, item: int | None, typing: bool) -> list[Entry]:
    """Say (again) that ``connection`` is on the article; returns who is on it now."""
    return presence_put_many(article_id=article_id, entries=[(connection, user, item, typing)])


def presence_put_many(*, article_id: int, entries: list[tuple[str, str, int | None, bool]]) -> list[Entry]:
    """Say again, in one round trip, that each ``(connection, user, item, typing)`` is on the
    article (a process's re-check for all its sockets there); returns who is on it now."""
    now = time.time()
    fresh_entries = {conn: {"user": user, "item": item, "typing": typing, "seen": now}
                     for conn, user, item, typing in entries}
    client = _redis()
    if client is None:
        with _memory_lock:
            held = _memory.setdefault(article_id, {})
            held.update(fresh_entries)
            fresh, stale = _fresh(held, now)
            for conn in stale:
                del held[conn]
        return _shown(fresh)
    key = _KEY.format(article=int(article_id))
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hset(key, mapping={conn: json.dumps(entry) for conn, entry in fresh_entries.items()})
        pipe.expire(key, settings.PRESENCE_TTL_SECONDS * 2)
        pipe.hgetall(key)
        return _shown(_expire(client, key, pipe.execute()[-1]))
    except redis.RedisError:
        logger.warning("presence: Redis unavailable, article %s shows no one", article_id, exc_info=True)
        return []


def presence_drop(*, article_id: int, connection: str) -> list[Entry]:
    """``connection`` has left the article (its socket closed); returns who is on it now."""
    client = _redis()
    if client is None:
        with _memory_lock:
            entries = _memory.get(article_id, {})
            entries.pop(connection, None)
            fresh, _stale = _fresh(entries, time.time())
            if not entries:
                _memory.pop(article_id, None)
        return _shown(fresh)
    key = _KEY.format(article=int(article_id))
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hdel(key, connection)
        pipe.hgetall(key)
        return _shown(_expire(client, key, pipe.execute()[-1]))
    except redis.RedisError:
        logger.warning("presence: Redis unavailable while leaving article %s", article_id, exc_info=True)
        return []


def presence_of_articles(article_ids: list[int]) -> dict[int, list[Entry]]:
    """Who is on each of these articles now (the article list's column); absent ids: no one."""
    if not article_ids:
        return {}
    client = _redis()
    if client is None:
        now = time.time()
        with _memory_lock:
            found = {aid: _fresh(_memory.get(aid, {}), now)[0] for aid in article_ids}
        return {aid: _shown(entries) for aid, entries in found.items() if entries}
    try:
        pipe = client.pipeline(transaction=False)
        for article_id in article_ids:
            pipe.hgetall(_KEY.format(article=int(article_id)))
        answers = pipe.execute()
    except redis.RedisError:
        logger.warning("presence: Redis unavailable, the article list shows no one", exc_info=True)
        return {}
    now = time.time()
    found = {}
    for article_id, raw in zip(article_ids, answers, strict=True):
        entries = _fresh(_decoded(raw), now)[0]
        if entries:
            found[article_id] = _shown(entries)
    return found


def _decoded(raw: dict[bytes, bytes]) -> dict[str, Entry]:
    entries = {}
    for conn, value in raw.items():
        try:
            entries[conn.decode()] = json.loads(value)
        except (ValueError, UnicodeDecodeError):
            continue  # not ours: ignored, and aged out with the key
    return entries


def _expire(client: redis.Redis, key: str, raw: dict[bytes, bytes]) -> dict[str, Entry]:
    fresh, stale = _fresh(_decoded(raw), time.time())
    if stale:
        client.hdel(key, *stale)
    return fresh


def presence_forget_all() -> None:
    """Empty this process's memory store (tests; a Redis store is emptied with its database)."""
    with _memory_lock:
        _memory.clear()
