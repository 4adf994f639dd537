"""The socket of one open page on one article: ``/ws/articles/<id>/``.

What the page and the server say to each other (JSON text frames):

- page -> server ``{"type": "follow", "after": P}``: send me every event after position P, then
  every new one as it commits. The answer is one or more ``{"type": "events", "events": [...],
  "next": N}`` (events as the catch-up endpoint shows them, blind mode applied for this
  reader), then more of them as changes commit.
- page -> server ``{"type": "presence", "item": ID or null, "typing": bool}``: what this page
  has selected and whether its reader is writing a rationale on it.
- server -> page ``{"type": "presence", "people": [{"user", "item", "typing"}, ...]}``: who is on
  the article, each time that changes (the page's own entry included).
- page -> server ``{"type": "ping"}`` -> ``{"type": "pong"}``; anything else -> ``{"type": "error",
  "message": ...}``, and the socket stays open.
- close codes: 4401 log in again, 4403 not allowed, 4404 no such article, 4429 too many sockets
  (or more than ``MAX_FRAMES_PER_SECOND`` frames in a second, or too many failed tokens from
  the address).

How it never leaves a page stale: the channel layer only rings a doorbell ("article N has
events up to P", from the sequencer after commit), which this process's hub for the article
(``annotations.live.hub``) hands to each of its sockets; a socket then sends the events after
the last position it sent, read once for all of them from the database by the article's feed
(``annotations.live.feed``) and filtered for its reader by the catch-up endpoint's rule. Every
``DESK_PUSH_RECHECK_SECONDS`` the hub also reads the article's new events unasked (what a lost
doorbell, a restarted Redis or a worker's in-memory layer kept from it), joins the group again
(a restarted Redis forgets it), refreshes its sockets' presence, and now and then re-checks
each socket's login.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from typing import Any, ClassVar

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from annotations.live import presence
from annotations.live.auth import (
    NOT_AUTHENTICATED,
    NOT_FOUND,
    TOO_MANY,
    SocketIdentity,
    identity_still_valid,
    socket_identity,
)
from annotations.live.hub import ArticleHub
from annotations.models import Article

logger = logging.getLogger(__name__)

# A page says little: a follow, a selection, a typing flag. Anything longer is refused unread.
MAX_FRAME_CHARS = 2_000
# Nor often: a page sends a few frames a second at most (typing flips, a reconnection's follow).
# A socket over this many in one second is closed with 4429: every follow reads the database.
MAX_FRAMES_PER_SECOND = 20


def _admitted(scope: dict, article_id: int) -> SocketIdentity | int:
    """Who opens the socket, or the close code (the article gone included), in one hop off the loop."""
    identity = socket_identity(scope)
    if not isinstance(identity, int) and not Article.objects.filter(pk=article_id).exists():
        return NOT_FOUND
    return identity


class ArticleDeskConsumer(AsyncJsonWebsocketConsumer):
    """One page following one article for one reader (see the module docstring for the protocol)."""

    # Open sockets per user id in this process (DESK_PUSH_SOCKETS_PER_USER).
    open_sockets: ClassVar[Counter[int]] = Counter()

    async def __call__(self, scope, receive, send) -> None:
        # A channel layer that fails (Redis killed or restarting) ends the consumer with its
        # exception, and Channels then calls no disconnect(): leave here as a closed socket does,
        # or the article's hub would keep it, putting back a ghost presence, and its place would
        # stay counted against DESK_PUSH_SOCKETS_PER_USER (tests/system/reliability/test_push_faults.py).
        try:
            await super().__call__(scope, receive, send)
        finally:
            if hasattr(self, "hub"):  # connect() ran; disconnect() is a no-op the second time
                await self.disconnect(1011)

    async def connect(self) -> None:
        self.article_id: int = self.scope["url_route"]["kwargs"]["article_id"]
        self.identity: SocketIdentity | None = None
        self.position: int | None = None  # the last position sent; None until the page follows
        self.selected: tuple[int | None, bool] = (None, False)  # (item, typing), for presence
        self.people_sent: list | None = None
        self.hub: ArticleHub | None = None
        self.catching_up = asyncio.Lock()
        self.frames, self.frames_since = 0, time.monotonic()  # frames this second (MAX_FRAMES_PER_SECOND)
        # Accepted first, so that a refusal reaches the page as a close code it can act on.
        await self.accept()
        identity = await database_sync_to_async(_admitted)(self.scope, self.article_id)
        if isinstance(identity, int):
            await self.close(code=identity, reason=getattr(identity, "reason", None))
            return
        if self.open_sockets[identity.user.pk] >= settings.DESK_PUSH_SOCKETS_PER_USER:
            await self.close(code=TOO_MANY)
            return
        self.identity = identity
        self.open_sockets[identity.user.pk] += 1
        for group in identity.groups:  # this login's revocation, and its user's changes
            await self.channel_layer.group_add(group, self.channel_name)
        self.hub = await ArticleHub.join(self)
        await self._say_presence()

    async def disconnect(self, code: int) -> None:
        if self.identity is None:
            return
        identity, self.identity = self.identity, None
        self.open_sockets[identity.user.pk] -= 1
        if self.open_sockets[identity.user.pk] <= 0:
            del self.open_sockets[identity.user.pk]
        try:
            await self.hub.leave(self)
            for group in identity.groups:
                await self.channel_layer.group_discard(group, self.channel_name)
            people = await sync_to_async(presence.presence_drop, thread_sensitive=False)(
                article_id=self.article_id, connection=self.channel_name
            )
            await self.hub.say_presence(people)
        except Exception:  # the layer may be the reason the socket closed
            logger.info("live desk: leaving article %s without telling the layer", self.article_id, exc_info=True)

    # --- What the page says -------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if self.identity is None:
            return  # refused or leaving: nothing it says is read
        now = time.monotonic()
        if now - self.frames_since >= 1:
            self.frames_since, self.frames = now, 0
        self.frames += 1
        if self.frames > MAX_FRAMES_PER_SECOND:
            await self.close(code=TOO_MANY)
            return
        if text_data is None:
            await self._error("Send JSON text frames, not binary ones.")
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self._error(f"A message may be at most {MAX_FRAME_CHARS} characters.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("Not JSON: send an object such as {\"type\": \"follow\", \"after\": 0}.")
            return
        if not isinstance(content, dict):
            await self._error("Send a JSON object with a \"type\".")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs) -> None:
        kind = content.get("type")
        if kind == "follow":
            after = content.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self._error("\"after\" must be the last position you hold: a whole number, 0 or more.")
                return
            self.position = after
            await self.catch_up()
            self.people_sent = None  # a page that (re)follows is told who is here
            await self._say_presence()
        elif kind == "presence":
            item, typing = content.get("item"), content.get("typing", False)
            if item is not None and (not isinstance(item, int) or isinstance(item, bool) or item < 1):
                await self._error("\"item\" must be an item id or null.")
                return
            if not isinstance(typing, bool):
                await self._error("\"typing\" must be true or false.")
                return
            self.selected = (item, typing)
            await self._say_presence()
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self._error("Unknown \"type\": send follow, presence or ping.")

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})

    # --- What the layer says to this socket (its article's news comes through the hub) ------

    async def desk_revoked(self, message: dict[str, Any]) -> None:
        await self.close(code=NOT_AUTHENTICATED)

    async def desk_recheck(self, message: dict[str, Any]) -> None:
        await self.check_identity()

    # --- Events, presence, re-check -----------------------------------------------------------

    async def catch_up(self, rung_for: int | None = None) -> None:
        """Send every event after ``self.position`` this reader may see, in order, and move on.

        One at a time (a doorbell and the re-check may both ask): the second finds the position
        already moved and reads only what is newer. ``rung_for``: the doorbell's position, which
        lets the article's feed answer from what another socket of this process just read.
        """
        async with self.catching_up:
            while self.identity is not None and self.position is not None:
                if rung_for is not None and rung_for <= self.position:
                    return  # already sent
                page = await self.hub.feed.events_after(after=self.position, user=self.identity.user, rung_for=rung_for)
                if page is None:
                    await self.close(code=NOT_FOUND)
                    return
                events, next_position, more = page
                # Sent empty too when only events hidden from this reader moved the position (as the
                # catch-up call's ``next`` does): a blind reviewer's "waiting for a second review" count
                # is read again, without the verdict that moved it.
                if events or next_position != self.position:
                    await self.send_json({"type": "events", "events": events, "next": next_position})
                self.position = next_position
                if not more:
                    return
                rung_for = None  # a full page: read on from the database

    async def _say_presence(self) -> None:
        """Put this page's entry (again) and tell the article's sockets who is here now."""
        if self.identity is None:
            return
        connection, user, item, typing = self.presence_entry()
        people = await sync_to_async(presence.presence_put, thread_sensitive=False)(
            article_id=self.article_id, connection=connection, user=user, item=item, typing=typing
        )
        await self.hub.say_presence(people)

    def presence_entry(self) -> tuple[str, str, int | None, bool]:
        """(connection, user, item, typing): what this socket says of its page (the hub's re-check)."""
        item, typing = self.selected
        return self.channel_name, self.identity.user.get_username(), item, typing

    async def send_people(self, people: list) -> None:
        """Tell the page who is on the article, when that changed for it (the hub's fan-out)."""
        if self.identity is not None and people != self.people_sent:
            self.people_sent = people
            await self.send_json({"type": "presence", "people": people})

    async def check_identity(self) -> None:
        """Read the login and roles again (the hub's re-check); close the socket if they are gone."""
        if self.identity is None:
            return
        checked = await database_sync_to_async(identity_still_valid)(self.identity)
        if self.identity is None:
            return  # closed meanwhile
        if isinstance(checked, int):
            await self.close(code=checked)
        else:
            self.identity = checked

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        with contextlib.suppress(Exception):  # the other end may be gone already
            await super().close(code=code, reason=reason)
