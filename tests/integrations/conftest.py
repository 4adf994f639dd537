"""Fixtures of the interoperability tests.

``webhook_receiver`` is a real HTTP server on 127.0.0.1 (the subscriber is outside the project,
so it is a real socket, not a mock of ``requests``); ``sent_tasks`` stands in for the broker
the way ``published_jobs`` does for extraction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import article_with_revision
from tests.support.desk import BODY


@pytest.fixture
def article(db):
    return article_with_revision(
        body=BODY, title="Jobs report", source_url="https://news.example.com/jobs", publisher="Example News"
    )


@dataclass
class Receiver:
    """What the local subscriber got, and what it answers next (a list of status codes, last repeats)."""

    url: str
    requests: list[dict] = field(default_factory=list)
    answers: list[int] = field(default_factory=lambda: [200])
    redirect_to: str = ""
    body: bytes | None = None  # what it answers; None: '{"ok": true}' for a 2xx, "nope" otherwise


@pytest.fixture
def webhook_receiver():
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            length = int(self.headers.get("Content-Length", 0))
            receiver.requests.append(
                {"headers": dict(self.headers), "body": self.rfile.read(length), "path": self.path}
            )
            code = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
            self.send_response(code)
            if 300 <= code < 400:
                self.send_header("Location", receiver.redirect_to or "http://127.0.0.1:1/elsewhere")
            body = receiver.body if receiver.body is not None else b'{"ok": true}' if code < 300 else b"nope"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output clean
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def sent_tasks(monkeypatch) -> list[tuple[str, list, dict]]:
    """Stand in for the broker: record (task name, args, options) of every published task."""
    sent: list[tuple[str, list, dict]] = []

    def send_task(name, args=None, **kwargs):
        sent.append((name, list(args or []), kwargs))

    from factcheck.celery import app

    monkeypatch.setattr(app, "send_task", send_task)
    return sent
