"""The outbox: publish after commit, report a broker failure on the row, publish again in the sweep.

The broker is outside the project, so ``send_task`` is replaced; the rows are stood in for by
the callbacks an ``Outbox`` is declared with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest
from django.db import DatabaseError
from kombu.exceptions import OperationalError

from factcheck.celery import app
from factcheck.outbox import Outbox, publish_failure_note


@dataclass
class Rows:
    """What the callbacks were told: ids published, and the failure notes by id."""

    published: list[int] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)
    queue: str = "work"

    def outbox(self, **overrides) -> Outbox:
        fields = {
            "task": "tests.task",
            "noun": "test row",
            "plural": "test row(s)",
            "waiting": "waiting",
            "queue": lambda: self.queue,
            "record_published": self.published.append,
            "record_failure": self.failures.__setitem__,
        }
        return Outbox(**{**fields, **overrides})


@pytest.fixture
def rows() -> Rows:
    return Rows()


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, list, dict]]:
    messages: list[tuple[str, list, dict]] = []

    def send_task(name, args=None, **options):
        messages.append((name, list(args or []), options))

    monkeypatch.setattr(app, "send_task", send_task)
    return messages


def _broker_raises(monkeypatch, exc: BaseException) -> None:
    def send_task(*args, **kwargs):
        raise exc

    monkeypatch.setattr(app, "send_task", send_task)


def test_publish_sends_the_id_to_the_task_on_its_queue_and_records_it(rows, sent):
    outbox = rows.outbox()

    assert outbox.publish(7) is True
    rows.queue = "elsewhere"  # read at each publication
    assert outbox.publish(8, countdown=2.5) is True

    assert sent == [
        ("tests.task", [7], {"queue": "work", "countdown": None}),
        ("tests.task", [8], {"queue": "elsewhere", "countdown": 2.5}),
    ]
    assert rows.published == [7, 8] and rows.failures == {}


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
)
def test_an_unreachable_broker_is_recorded_on_the_row_and_never_raised(rows, monkeypatch, caplog, exc):
    _broker_raises(monkeypatch, exc)

    with caplog.at_level(logging.ERROR, logger="factcheck.outbox"):
        assert rows.outbox().publish(7) is False

    assert rows.published == []
    assert rows.failures == {7: f"Broker unavailable when publishing: {exc}"}
    assert "test row 7 stays waiting for the sweep" in caplog.text


def test_a_message_the_broker_refuses_is_recorded_as_refused(rows, monkeypatch):
    _broker_raises(monkeypatch, RuntimeError("OOM command not allowed when used memory > 'maxmemory'"))

    assert rows.outbox().publish(7) is False

    assert rows.failures[7].startswith("Broker refused the message when publishing: OOM command not allowed")


def test_a_database_error_while_recording_the_failure_is_logged_not_raised(rows, monkeypatch, caplog):
    _broker_raises(monkeypatch, OperationalError("connection refused"))

    def record_failure(row_id: int, note: str) -> None:
        raise DatabaseError("the database is down too")

    with caplog.at_level(logging.ERROR, logger="factcheck.outbox"):
        assert rows.outbox(record_failure=record_failure).publish(7) is False

    assert "Could not note the broker failure on test row 7" in caplog.text


def test_the_failure_note_tells_an_outage_from_a_refusal():
    assert publish_failure_note(OperationalError("down")) == "Broker unavailable when publishing: down"
    assert publish_failure_note(OSError("reset")) == "Broker unavailable when publishing: reset"
    assert publish_failure_note(ValueError("too big")) == "Broker refused the message when publishing: too big"


@pytest.mark.django_db
def test_publish_after_commit_waits_for_the_commit(rows, sent, django_capture_on_commit_callbacks):
    outbox = rows.outbox()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.publish_after_commit(7)
        assert sent == [], "nothing may be published before the row is committed"

    assert len(callbacks) == 1
    assert [args for _, args, _ in sent] == [[7]] and rows.published == [7]


def test_sweep_publishes_each_row_again_and_returns_those_sent(rows, monkeypatch, caplog):
    def send_task(name, args=None, **options):
        if args[0] == 2:
            raise OperationalError("connection reset")

    monkeypatch.setattr(app, "send_task", send_task)

    with caplog.at_level(logging.WARNING, logger="factcheck.outbox"):
        assert rows.outbox().sweep(iter([1, 2, 3])) == [1, 3]

    assert rows.published == [1, 3] and set(rows.failures) == {2}
    assert "Sweep re-published 2 test row(s): [1, 3]" in caplog.text


def test_a_sweep_with_nothing_left_behind_publishes_and_logs_nothing(rows, sent, caplog):
    with caplog.at_level(logging.WARNING, logger="factcheck.outbox"):
        assert rows.outbox().sweep([]) == []

    assert sent == [] and caplog.text == ""
