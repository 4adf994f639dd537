"""Open review pages for the push fault test: WebSocket readers that follow an article and reconnect.

Each ``DeskReader`` does what ``annotations/static/annotations/desk_socket.js`` does for a page:
on every (re)connection it sends ``{"type": "follow", "after": P}`` with the last position it
holds, then its presence; it keeps every event position it is sent (duplicates included, so a
reconnection that sends one twice shows); a close it can do nothing about (4401, 4403, 4404,
4429) stops it, any other close or a refused connection reconnects after 1, 2, 4 ... 30 s with
jitter, the count of failures starting again at each open. ``DeskReaders`` runs them all on
one event loop in a thread of its own, so the test's thread can write and break servers
meanwhile and read the readers' state through ``snapshot``.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINAL_CODES = frozenset({4401, 4403, 4404, 4429})
MAX_DELAY_SECONDS = 30.0


@dataclass
class DeskReader:
    """One page on one article, as its socket sees it."""

    url: str
    token: str
    article_id: int
    position: int = 0  # the last position applied, as the page's state.position
    received: list[int] = field(default_factory=list)  # every position sent, in arrival order
    opens: int = 0
    closes: Counter = field(default_factory=Counter)  # close code (None: no close frame) -> how many
    closed_at: list[float] = field(default_factory=list)  # monotonic times of those closes
    refused: int = 0  # connection attempts that never opened (the server was not there)
    stopped_with: int | None = None
    errors: list[str] = field(default_factory=list)  # {"type": "error"} messages: the protocol was misused
    arrivals: dict[int, float] = field(default_factory=dict)  # position -> monotonic time first received

    @property
    def reconnects(self) -> int:
        return max(0, self.opens - 1)

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                async with connect(
                    self.url, additional_headers={"Authorization": f"Token {self.token}"}, open_timeout=5,
                    close_timeout=1, ping_interval=None,
                ) as socket:
                    self.opens += 1
                    failures = 0
                    await socket.send(json.dumps({"type": "follow", "after": self.position}))
                    await socket.send(json.dumps({"type": "presence", "item": None, "typing": False}))
                    await self._read(socket, stop)
                    if stop.is_set():
                        return
                    self.closes[socket.close_code] += 1
                    self.closed_at.append(time.monotonic())
                    if socket.close_code in FINAL_CODES:
                        self.stopped_with = socket.close_code
                        return
            except (OSError, TimeoutError, ConnectionClosed, asyncio.IncompleteReadError) as error:
                if isinstance(error, ConnectionClosed):
                    self.closes[error.rcvd.code if error.rcvd else None] += 1
                    self.closed_at.append(time.monotonic())
                else:
                    self.refused += 1
            except Exception as error:  # noqa: BLE001 - the handshake was refused (an HTTP status): keep trying
                self.refused += 1
                self.errors.append(f"{type(error).__name__}: {error}")
            failures += 1
            delay = min(MAX_DELAY_SECONDS, 2 ** min(failures - 1, 5)) * (0.5 + random.random() / 2)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _read(self, socket, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                receiving = asyncio.ensure_future(socket.recv())
                done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if stopping in done:
                    receiving.cancel()
                    await socket.close()
                    return
                try:
                    message = json.loads(receiving.result())
                except ConnectionClosed:
                    return
                self._apply(message)
        finally:
            stopping.cancel()

    def _apply(self, message: dict) -> None:
        if message.get("type") == "events":
            now = time.monotonic()
            for event in message["events"]:
                self.received.append(event["position"])
                self.arrivals.setdefault(event["position"], now)
            self.position = max(self.position, message["next"])
        elif message.get("type") == "error":
            self.errors.append(message.get("message", ""))


class DeskReaders:
    """Many readers on one event loop in a background thread."""

    def __init__(self, readers: list[DeskReader]) -> None:
        self.readers = readers
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="desk-readers")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._stop = asyncio.Event()
            await asyncio.gather(*(reader.run(self._stop) for reader in self.readers))

        self._loop.run_until_complete(main())

    def start(self) -> DeskReaders:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=15)

    def snapshot(self) -> list[dict]:
        """Each reader's state, copied on its loop (the readers change it only there)."""

        def copy() -> list[dict]:
            return [
                {"article": reader.article_id, "received": list(reader.received), "opens": reader.opens,
                 "refused": reader.refused, "closes": dict(reader.closes), "closed_at": list(reader.closed_at),
                 "stopped_with": reader.stopped_with,
                 "errors": list(reader.errors), "arrivals": dict(reader.arrivals), "position": reader.position}
                for reader in self.readers
            ]

        async def on_loop() -> list[dict]:
            return copy()

        return asyncio.run_coroutine_threadsafe(on_loop(), self._loop).result(timeout=10)


async def close_codes_of_new_sockets(url: str, token: str, count: int, *, wait: float = 1.5) -> Counter:
    """Open ``count`` more sockets at once with ``token``; how many were closed with which code
    within ``wait`` seconds (``"open"``: still open then). Every one is closed afterwards."""

    async def one() -> str:
        try:
            async with connect(url, additional_headers={"Authorization": f"Token {token}"}, open_timeout=5,
                               close_timeout=1, ping_interval=None) as socket:
                try:
                    while True:
                        await asyncio.wait_for(socket.recv(), timeout=wait)
                except TimeoutError:
                    return "open"
                except ConnectionClosed:
                    return str(socket.close_code)
        except (OSError, TimeoutError, ConnectionClosed) as error:
            return f"not opened: {type(error).__name__}"

    return Counter(await asyncio.gather(*(one() for _ in range(count))))
