"""One read of an article's new events for all the sockets of this process that follow it.

A doorbell wakes every socket on the article at once; without this each would ask the database
for the same rows (a dozen pages on one article, a dozen identical reads a change). The feed
keeps the article's recent events, as read, in memory: the first socket to need rows it does not
hold reads them (under the feed's lock, so the others wait for that read instead of making
theirs) and the rest are served from memory, each filtered for its own reader by
``annotations.selectors.events.events_visible`` and serialised once per event.

What it holds is always a contiguous run of the log, ``(floor, top]``, read in one go: a reader
after ``a >= floor`` who was rung for a position ``<= top`` is given exactly what a database
read would give. Anything else (a socket following from further back, a doorbell past the top,
the periodic re-check) reads the database, and a complete read extends or replaces the run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from annotations.api.serializers.events import DeskEventSerializer
from annotations.models import Article, DeskEvent
from annotations.selectors.events import article_events_scan, events_visible

# Events kept per article (a catch-up page's worth); older ones are read from the database by
# whoever still needs them.
KEPT = 200


@dataclass
class _Run:
    floor: int  # positions after this one are all here, up to top
    top: int
    events: list[DeskEvent] = field(default_factory=list)  # oldest first
    shown: dict[int, dict[str, Any]] = field(default_factory=dict)  # position -> serialised event


class ArticleFeed:
    """The recent events of one article for this process's sockets (its hub holds the one feed)."""

    def __init__(self, article_id: int) -> None:
        self.article_id = article_id
        self.article: Article | None = None  # its blind mode and publication, read with the last rows
        self.run: _Run | None = None
        self.lock = asyncio.Lock()

    async def events_after(
        self, *, after: int, user: AbstractBaseUser, rung_for: int | None
    ) -> tuple[list[dict[str, Any]], int, bool] | None:
        """What ``user`` may see after ``after`` (serialised), the next position, and whether more
        follow; None when the article is gone. ``rung_for``: the doorbell's position, if a
        doorbell asked (None reads the database: a follow, a re-check)."""
        async with self.lock:
            run = self.run
            if rung_for is not None and run is not None and run.floor <= after and rung_for <= run.top:
                scanned, more = [event for event in run.events if event.position > after], False
            else:
                read = await database_sync_to_async(self._read)(after)
                if read is None:
                    return None
                scanned, more = read  # as the database answered
            article, shown = self.article, self.run.shown if self.run is not None else {}
        if not scanned:
            return [], after, False
        if article.blind_review:  # whom a verdict may be shown to depends on the reader's reviews
            scanned_visible = await database_sync_to_async(events_visible)(article=article, user=user, events=scanned)
        else:
            scanned_visible = scanned
        events = [shown.get(event.position) or self._show(event) for event in scanned_visible]
        return events, scanned[-1].position, more

    async def read_new(self, *, after: int) -> int | None:
        """Read from the database whatever is newer than the feed holds (or than ``after``, for
        sockets behind it), for the hub's re-check. Returns the position through which the feed
        now holds the whole log, for the sockets to catch up to, or None if the article is gone."""
        async with self.lock:
            run = self.run
            start = run.top if run is not None and run.floor <= after else after
            while True:
                read = await database_sync_to_async(self._read)(start)
                if read is None:
                    return None
                scanned, more = read
                if not more:
                    return self.run.top if self.run is not None else start
                start = scanned[-1].position  # a full page: the run stays; read on
                self.run = None

    def _read(self, after: int) -> tuple[list[DeskEvent], bool] | None:
        """One database read after ``after``: its rows and whether the page was full (more may
        follow), kept in the run when complete; None when the article is gone."""
        article = Article.objects.only("id", "blind_review", "published_at").filter(pk=self.article_id).first()
        if article is None:
            return None
        self.article = article
        limit = settings.DESK_EVENTS_PAGE_SIZE
        scanned = article_events_scan(article_id=self.article_id, after=after, limit=limit)
        if len(scanned) == limit:
            return scanned, True  # a partial read says nothing of what follows it: the run stays as it was
        top = scanned[-1].position if scanned else after
        run = self.run
        if run is not None and run.floor <= after <= run.top:
            kept = [event for event in run.events if event.position <= after]
            run = _Run(floor=run.floor, top=max(top, run.top), events=kept + scanned, shown=run.shown)
        else:
            run = _Run(floor=after, top=top, events=scanned)
        for event in scanned:
            run.shown.setdefault(event.position, self._show(event))
        if len(run.events) > KEPT:
            dropped, run.events = run.events[:-KEPT], run.events[-KEPT:]
            run.floor = dropped[-1].position
            for event in dropped:
                run.shown.pop(event.position, None)
        self.run = run
        return scanned, False

    @staticmethod
    def _show(event: DeskEvent) -> dict[str, Any]:
        return DeskEventSerializer(event).data
