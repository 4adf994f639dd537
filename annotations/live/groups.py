"""Channel-layer groups of the live desk, and the one way sync code sends to them.

Group names are ASCII, under 100 characters (the layers' rule): an article's readers,
the sockets opened under one login session, and those opened with one API token. Session keys
and tokens are secrets, so their groups are named by a digest, never by the value.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

# Message types (the consumer's handler names, dots for underscores).
DOORBELL = "desk.doorbell"  # {"position": P}: the article has events up to P
PRESENCE = "desk.presence"  # {"people": [...]}: who is on the article now
REVOKED = "desk.revoked"  # the session ended or the token was deleted: close the socket
RECHECK = "desk.recheck"  # the user's roles or account changed: check the login again now


def article_group(article_id: int) -> str:
    return f"article.{int(article_id)}"


def user_group(user_id: int) -> str:
    return f"user.{int(user_id)}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:40]


def session_group(session_key: str) -> str:
    return f"session.{_digest(session_key)}"


def token_group(token_key: str) -> str:
    return f"token.{_digest(token_key)}"


def send_to_groups(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send each ``(group, message)`` on the channel layer, from sync code, after a commit.

    Never raises and, on Redis, never waits: what it rings is a doorbell, and a page that
    misses one reads the events from the database at its next re-check
    (``DESK_PUSH_RECHECK_SECONDS``) or reconnection. A layer that is down (Redis restarting)
    is logged, not propagated into the write that committed.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, message in messages:
            await layer.group_send(group, message)

    if isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to the event loop of the sockets it serves (this process's server):
        # async_to_sync runs the send there when called from a sync view under ASGI.
        try:
            async_to_sync(send_all)()
        except Exception:  # the write committed; a missed doorbell is caught up
            logger.warning("live desk: could not ring %d group(s)", len(messages), exc_info=True)
        return
    # Redis: handed to this process's ringer, one long-lived loop that sends them in turn on
    # the connection it keeps. A fresh loop per call (async_to_sync from a WSGI worker) costs a
    # new connection each time, about 5 ms a write measured here; the hand-off costs microseconds.
    _ringer().ring(messages)


class _Ringer:
    """A daemon thread with an event loop and one task sending what is waiting.

    Only the newest doorbell of each group waits (a doorbell says "up to P", so a later one
    stands for the earlier): while Redis is slow or away the backlog is one message per group,
    and the first sends after it is back are the current ones, not stale ones queued before.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.waiting: dict[str, dict[str, Any]] = {}
        self.wake: asyncio.Event | None = None
        self.failures = 0
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), name="live-desk-ringer", daemon=True).start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.wake = asyncio.Event()
        self.loop.create_task(self._send_forever())
        ready.set()
        self.loop.run_forever()

    def ring(self, messages: list[tuple[str, dict[str, Any]]]) -> None:
        self.loop.call_soon_threadsafe(self._hold, messages)

    def _hold(self, messages: list[tuple[str, dict[str, Any]]]) -> None:
        for group, message in messages:
            self.waiting[group] = message
        self.wake.set()

    async def _send_forever(self) -> None:
        layer = get_channel_layer()
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.waiting:
                group, message = next(iter(self.waiting.items()))
                try:
                    await layer.group_send(group, message)
                except Exception:  # Redis away: the pages' re-check reads what this would have rung
                    self.failures += 1
                    if self.failures in (1, 10, 100) or self.failures % 1000 == 0:
                        logger.warning("live desk: could not ring (%d times); pages catch up from the database",
                                       self.failures, exc_info=True)
                    await asyncio.sleep(1)
                    continue  # the newest doorbell of that group is still waiting
                self.failures = 0
                if self.waiting.get(group) is message:
                    del self.waiting[group]


_ringers: dict[int, _Ringer] = {}
_ringers_lock = threading.Lock()


def _ringer() -> _Ringer:
    """This process's ringer (a forked child, such as a Celery worker, starts its own)."""
    with _ringers_lock:
        ringer = _ringers.get(os.getpid())
        if ringer is None:
            ringer = _ringers[os.getpid()] = _Ringer()
        return ringer
