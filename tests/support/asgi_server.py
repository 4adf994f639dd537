"""The whole site over ASGI (HTTP and the desk's sockets) in a thread of the test process.

pytest-django's ``live_server`` speaks WSGI only, so pages there cannot open their socket and
fall back to polling. Browser tests of the live desk use this instead: uvicorn on a free port,
serving ``factcheck.asgi``'s socket routes and the HTTP site with static files from the
finders (as the live server does). It shares the test database like any other connection
(``transaction=True`` tests commit for real). ``stop()`` and ``start()`` again, on the same
port, are a server restart for the pages.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from channels.routing import ProtocolTypeRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

from factcheck.asgi import application as site


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AsgiLiveServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.application = ProtocolTypeRouter({
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": site.application_mapping["websocket"],
        })
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        config = uvicorn.Config(self.application, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", ws_ping_interval=None)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="asgi-live-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Close every socket and stop listening (as a server going down)."""
        if self._server is None:
            return
        self._server.should_exit = True
        self._server.force_exit = True  # open sockets are closed, not waited for
        self._thread.join(10)
        self._server = None
