"""This process's one membership of each article's group, fanned out in memory to its sockets.

If every socket joined its article's channel-layer group itself, each doorbell and each
presence change would be copied once per socket through Redis and decoded by the process's one
receive loop: with a hundred pages on an article, a hundred messages a change, and presence
(which changes as pages come and go) grew with the square of the pages, delaying the doorbells
queued behind it by seconds (BENCHMARKS.md, "Desk under load"). Instead one channel per process
(per event loop) joins the group of every article some of its sockets follow, and the article's
hub here hands each message to those sockets:

- a doorbell: each socket catches up, served from the article's feed (one database read);
- presence: the newest list, sent to each socket at most every ``PRESENCE_COALESCE_SECONDS``;
- every ``DESK_PUSH_RECHECK_SECONDS``: the group joined again (a restarted Redis forgets it),
  one database read of the article's new events for all its sockets (what a lost doorbell kept
  from them), the sockets' presence refreshed in one Redis round trip, and every fourth time
  each socket's login checked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any, Protocol

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from redis.exceptions import RedisError

from annotations.live import presence
from annotations.live.auth import NOT_FOUND
from annotations.live.feed import ArticleFeed
from annotations.live.groups import DOORBELL, PRESENCE, article_group


class Socket(Protocol):
    """What the hub asks of a socket (``annotations.live.consumers.ArticleDeskConsumer``)."""

    article_id: int
    position: int | None
    identity: object | None

    def catch_up(self, rung_for: int | None = None) -> Awaitable[None]: ...
    def send_people(self, people: list) -> Awaitable[None]: ...
    def check_identity(self) -> Awaitable[None]: ...
    def presence_entry(self) -> tuple[str, str, int | None, bool]: ...
    def close(self, code: int | None = None) -> Awaitable[None]: ...

logger = logging.getLogger(__name__)

# Presence changes arriving closer together than this reach the pages as one list.
PRESENCE_COALESCE_SECONDS = 0.25
# A socket's login is checked again every this many re-checks (logout and a deleted token close
# it at once; this catches an expired session, a password change, a removed role).
IDENTITY_EVERY = 4


class _ProcessChannel:
    """The channel this process (its event loop) receives its articles' group messages on."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.layer = get_channel_layer()
        self.name: str | None = None
        self.hubs: dict[int, ArticleHub] = {}
        self.ready = asyncio.Event()
        self.task = loop.create_task(self._receive_forever())

    async def _receive_forever(self) -> None:
        # The layer's default prefix: Redis receives every channel of one process from one list
        # named by it, popped by whichever receiver holds the lock; another prefix is never popped.
        self.name = await self.layer.new_channel()
        self.ready.set()
        while True:
            try:
                message = await self.layer.receive(self.name)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: wait for it, then rejoin every group it forgot
                if asyncio.current_task().cancelling():
                    raise  # being stopped: the layer turned the cancellation into an error
                logger.warning("live desk: this process's channel cannot receive; retrying", exc_info=True)
                await self._rejoin_when_back()
                continue
            hub = self.hubs.get(message.get("article"))
            if hub is not None:
                hub.deliver(message)


    async def _rejoin_when_back(self) -> None:
        """After the layer failed: once it answers again, join every article's group again (a
        restarted Redis forgot them) and have each hub read what its doorbells missed meanwhile."""
        while True:
            await asyncio.sleep(1)
            try:
                for hub in list(self.hubs.values()):
                    await self.layer.group_add(hub.group, self.name)
            except (OSError, RedisError):
                continue  # still away (connection refused or reset, timed out)
            for hub in list(self.hubs.values()):
                hub.spawn(hub.recheck_once(identities=False))
            return


    def stop(self) -> None:
        """No article left to follow here: stop receiving (a new socket starts a new channel)."""
        self.task.cancel()
        if _channels.get(id(self.loop)) is self:
            del _channels[id(self.loop)]


_channels: dict[int, _ProcessChannel] = {}


def _process_channel() -> _ProcessChannel:
    loop = asyncio.get_running_loop()
    channel = _channels.get(id(loop))
    if channel is None or channel.loop is not loop or channel.layer is not get_channel_layer():
        channel = _channels[id(loop)] = _ProcessChannel(loop)
    return channel


class ArticleHub:
    """One article's sockets in this process, its feed, and its share of the channel layer."""

    def __init__(self, article_id: int, channel: _ProcessChannel) -> None:
        self.article_id = article_id
        self.channel = channel
        self.group = article_group(article_id)
        self.sockets: set[Socket] = set()
        self.feed = ArticleFeed(article_id)
        self.people: list | None = None  # the newest presence list heard
        self.people_flush: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task] = set()
        self.recheck = channel.loop.create_task(self._recheck_forever())

    @classmethod
    async def join(cls, socket: Socket) -> ArticleHub:
        channel = _process_channel()
        await channel.ready.wait()
        hub = channel.hubs.get(socket.article_id)
        if hub is None:
            hub = channel.hubs[socket.article_id] = cls(socket.article_id, channel)
            await channel.layer.group_add(hub.group, channel.name)
        hub.sockets.add(socket)
        return hub

    async def leave(self, socket: Socket) -> None:
        self.sockets.discard(socket)
        if self.sockets or self.channel.hubs.get(self.article_id) is not self:
            return
        del self.channel.hubs[self.article_id]
        self.recheck.cancel()
        with contextlib.suppress(Exception):  # the layer may be why the socket closed
            await self.channel.layer.group_discard(self.group, self.channel.name)
        if not self.channel.hubs:
            self.channel.stop()

    # --- What the layer brings ------------------------------------------------------------

    def deliver(self, message: dict[str, Any]) -> None:
        if message["type"] == DOORBELL:
            for socket in list(self.sockets):
                self.spawn(socket.catch_up(rung_for=message["position"]))
        elif message["type"] == PRESENCE:
            self.people = message["people"]
            if self.people_flush is None:
                self.people_flush = self.channel.loop.call_later(PRESENCE_COALESCE_SECONDS, self._flush_people)

    def _flush_people(self) -> None:
        self.people_flush = None
        for socket in list(self.sockets):
            self.spawn(socket.send_people(self.people))

    async def say_presence(self, people: list) -> None:
        """Tell every process's sockets on the article who is here (one message a process)."""
        message = {"type": PRESENCE, "article": self.article_id, "people": people}
        await self.channel.layer.group_send(self.group, message)

    def spawn(self, work) -> None:
        task = self.channel.loop.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("live desk: a socket's update failed", exc_info=task.exception())

    # --- The re-check ---------------------------------------------------------------------

    async def _recheck_forever(self) -> None:
        interval = min(settings.DESK_PUSH_RECHECK_SECONDS, settings.PRESENCE_TTL_SECONDS / 3)
        rounds = 0
        while True:
            await asyncio.sleep(interval)
            rounds += 1
            try:
                await self.recheck_once(identities=rounds % IDENTITY_EVERY == 0)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database or Redis is away: try again at the next one
                logger.warning("live desk: re-check of article %s failed", self.article_id, exc_info=True)

    async def recheck_once(self, *, identities: bool) -> None:
        await self.channel.layer.group_add(self.group, self.channel.name)
        sockets = [socket for socket in self.sockets if socket.position is not None]
        if sockets:
            top = await self.feed.read_new(after=min(socket.position for socket in sockets))
            if top is None:
                for socket in list(self.sockets):
                    self.spawn(socket.close(code=NOT_FOUND))
                return
            for socket in sockets:
                self.spawn(socket.catch_up(rung_for=top))
        entries = [socket.presence_entry() for socket in self.sockets if socket.identity is not None]
        if entries:
            people = await sync_to_async(presence.presence_put_many, thread_sensitive=False)(
                article_id=self.article_id, entries=entries
            )
            if people != self.people:
                await self.say_presence(people)
        if identities:
            for socket in list(self.sockets):
                self.spawn(socket.check_identity())
