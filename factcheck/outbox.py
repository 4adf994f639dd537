"""The outbox: a database row is the durable record of work, a broker message only carries its id.

Two kinds of background work must not be lost, and both go through here: extraction jobs
(``annotations.services.queue``) and webhook deliveries (``integrations.services.webhooks``).
Each kind describes itself once as an ``Outbox``: the task that carries a row's id, the queue,
and how the outcome of a publication is written on the row. Then

1. ``Outbox.publish_after_commit``, called in the transaction that writes the row, publishes
   its id once that transaction commits, so a message never names a row that is not there.
2. ``Outbox.publish`` sends the id to the broker. It never raises and never runs the work
   inline: when the broker fails, the row stays waiting, the failure is logged and written on
   the row (visible in the API and the admin), and the sweep publishes it again.
3. ``Outbox.sweep`` publishes again the rows its caller found left behind (a lost message, a
   killed worker). A duplicate message is harmless: the tasks claim their row under a lock.

Plumbing only: this module knows no model. The rows are the caller's, reached through the
callbacks it declares.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

from factcheck.celery import app

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: kombu re-raises the transport's
# connection errors (redis-py's ConnectionError and TimeoutError among them) as its
# OperationalError, and a socket error (ConnectionRefusedError, TimeoutError: OSErrors) can
# escape before that wrapping.
BROKER_UNREACHABLE = (BrokerOperationalError, OSError)


def publish_failure_note(exc: BaseException) -> str:
    """What a row records about a failed publication: unreachable broker, or a refused message.

    Anything else the broker client raises (Redis answering "OOM command not allowed" under
    ``maxmemory``, a failover in progress) means the broker refused this message.
    """
    kind = "Broker unavailable" if isinstance(exc, BROKER_UNREACHABLE) else "Broker refused the message"
    return f"{kind} when publishing: {exc}"


@dataclass(frozen=True)
class Outbox:
    """One kind of outbox row: how its id is published and how the outcome is written on it.

    ``noun`` and ``plural`` name a row in the logs ("extraction job", "extraction job(s)");
    ``waiting`` is the state a row keeps until a worker takes it ("queued", "pending").
    ``queue`` is read at each publication (settings can change under tests).
    ``record_published(row_id)`` notes a successful publication (``enqueued_at``);
    ``record_failure(row_id, note)`` writes the note of ``publish_failure_note`` on the row if
    it is still waiting.
    """

    task: str
    noun: str
    plural: str
    waiting: str
    queue: Callable[[], str]
    record_published: Callable[[int], None]
    record_failure: Callable[[int, str], None]

    def publish_after_commit(self, row_id: int) -> None:
        """Publish ``row_id`` when the current transaction commits (at once outside of one).

        Robust: should recording the outcome fail then, the error is logged; the change has
        committed and its request or task goes on.
        """
        transaction.on_commit(partial(self.publish, row_id), robust=True)

    def publish(self, row_id: int, *, countdown: float | None = None) -> bool:
        """Send ``row_id`` to the task, after ``countdown`` seconds if given. Returns whether it was sent.

        Every exception of the publication is caught, not only an unreachable broker's: this
        runs after the change committed (``on_commit``) or inside a worker's task, where raising
        could only turn a committed change into an error answer or lose the next attempt. The
        row and the sweep recover from any failure, so each one is reported, none raised.
        """
        try:
            app.send_task(self.task, args=[row_id], queue=self.queue(), countdown=countdown or None)
        except Exception as exc:  # noqa: BLE001 - any broker failure is reported the same way (see above)
            note = publish_failure_note(exc)
            logger.error("%s; %s %s stays %s for the sweep", note, self.noun, row_id, self.waiting)
            try:
                self.record_failure(row_id, note)
            except DatabaseError:
                logger.exception("Could not note the broker failure on %s %s", self.noun, row_id)
            return False
        self.record_published(row_id)
        return True

    def sweep(self, row_ids: Iterable[int]) -> list[int]:
        """Publish each of ``row_ids`` again (the caller found them left behind); returns those sent."""
        published = [row_id for row_id in row_ids if self.publish(row_id)]
        if published:
            logger.warning("Sweep re-published %d %s: %s", len(published), self.plural, published[:20])
        return published
