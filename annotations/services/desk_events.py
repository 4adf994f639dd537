"""The desk event log: every change a reader may see on an article, numbered in commit order.

Open review pages follow an article by asking for "everything after position P"
(``GET /api/v1/articles/{id}/events/?after=P``). For that to never miss a row, positions must
be handed out in the order the changes *committed*: an autoincrement id is not, since a
transaction that took id 10 can commit after one that took id 11 was already read, and a
reader that had moved past 11 would never see 10.

The design (one sequencer, run after commit):

1. ``desk_event_record`` writes a ``DeskEvent`` in the transaction of the change, with
   ``position`` null, so the event exists if and only if the change committed. Most events
   come from ``history_record`` (the audit trail's one seam); extraction progress and new
   matches, which keep no history, call it directly.
2. When that transaction commits, ``desk_events_sequence`` (from ``transaction.on_commit``)
   numbers every committed row without a position, oldest id first, in one
   ``UPDATE ... SET position = max(position) + row_number`` statement. On PostgreSQL it runs
   under a transaction-level advisory lock, so sequencers run one at a time and each one's
   statement snapshot, taken after the lock, sees the positions the previous one committed;
   on SQLite the database serialises writers (``BEGIN IMMEDIATE``) and the one statement is
   atomic. Positions are therefore committed as whole, increasing batches: a reader who has
   seen position P can only be shown later rows above P.

   A writer's sequencer never waits for another one: it only *tries* the lock, and when
   another sequencer holds it, it leaves its rows to that one and returns. The holder, once it
   has let go of the lock, looks again for unnumbered rows (a statement of its own, so a fresh
   snapshot: every row committed before it let go, the writer's included, since the writer
   committed before trying the lock) and numbers them in another round. Had every writer waited
   its turn, a busy desk's writes would queue on the one lock, each woken in turn by the one
   before (a review's statements replayed by 50 clients on two cores: 525-537/s when every
   sequencer waited, 831-933/s now, as fast as without a sequencer; ``benchmarks/review_replay.py``).
   The sweep alone waits for the lock.
3. A crash (or a lost connection) between the change's commit and its sequencing leaves the
   row unnumbered, invisible to readers, and the periodic ``sweep_desk_events`` task (beat,
   every ``DESK_EVENTS_SWEEP_SECONDS``) numbers it: nothing is lost, it arrives late.

The alternative of numbering inside the change's own transaction (a counter row locked by
every writer) would serialise every write of the desk on one row for its whole transaction;
here the lock is held only for the short numbering statement, after the writer committed.

Push (``annotations.live``): the sequencer is its one seam. Its UPDATE returns the rows it
numbered, and once the numbering has committed it rings each article's channel-layer group with
the article's newest position (``annotations.live.groups``). Each open socket then reads the
events after the last position it sent, for its reader, with ``annotations.selectors.events``
as the catch-up endpoint does, so visibility is decided in one place and a reader is only ever
shown a prefix of the log, in order. A page that (re)connects first asks for everything after
the last position it holds, so a dropped socket or a restarted channel layer loses nothing: the
database stays the record, the socket only a faster doorbell, and polling the same endpoint the
fallback.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from annotations.live.groups import DOORBELL, article_group, send_to_groups
from annotations.models import DeskEvent

# A fixed key for pg_advisory_xact_lock: "desk" in ASCII. Only the sequencer takes it.
_SEQUENCER_LOCK = 0x6465736B
_BATCH = 1000
# How many rounds one sequencer numbers what writers who found it busy left to it before it
# stops (a desk writing without a pause): what is left then is numbered by the next writer's
# sequencer or by the sweep.
_MAX_ROUNDS = 50

_SEQUENCE_SQL = """
UPDATE {table} SET position = (SELECT COALESCE(MAX(position), 0) FROM {table}) + numbered.n
FROM (
    SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table} WHERE position IS NULL ORDER BY id LIMIT %s
) AS numbered
WHERE {table}.id = numbered.id
RETURNING {table}.article_id, {table}.position
"""


def desk_event_record(
    *,
    article_id: int,
    kind: str,
    item_id: int | None = None,
    actor: AbstractBaseUser | None = None,
    payload: dict[str, Any] | None = None,
) -> DeskEvent:
    """Append one event, unnumbered; it is numbered once the current transaction commits.

    Call inside the transaction of the change it tells (outside of one it is numbered at once).
    """
    event = DeskEvent.objects.create(
        article_id=article_id,
        item_id=item_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        payload=payload or {},
    )
    _sequence_after_commit()
    return event


def desk_events_record_many(events: list[DeskEvent]) -> None:
    """``desk_event_record`` for many rows in one INSERT (an article's items assigned at once)."""
    if events:
        DeskEvent.objects.bulk_create(events, batch_size=500)
        _sequence_after_commit()


def _number_batch(cursor, sql: str, *, wait: bool) -> list[tuple[int, int]] | None:
    """PostgreSQL, in the caller's transaction: take the sequencer's lock (or, without ``wait``,
    return None if another session holds it) and number a batch."""
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEQUENCER_LOCK])
    else:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEQUENCER_LOCK])
        if not cursor.fetchone()[0]:
            return None
    return _numbered(cursor, sql)


def _numbered(cursor, sql: str) -> list[tuple[int, int]]:
    cursor.execute(sql, [_BATCH])
    return cursor.fetchall()


def _unnumbered_left() -> bool:
    """Whether a committed event still has no position (the partial index of unnumbered rows)."""
    return DeskEvent.objects.filter(position__isnull=True).exists()


def _sequence_after_commit() -> None:
    # One sequencer run per transaction is enough (it numbers every row committed so far): a
    # callback already registered in this transaction, and not rolled back with a savepoint,
    # is not registered again. ``run_on_commit`` holds (savepoint ids, callback, robust).
    if any(callback is desk_events_sequence for _sids, callback, _robust in connection.run_on_commit):
        return
    # Robust: the change has committed; a failure here only delays its event until the sweep.
    transaction.on_commit(desk_events_sequence, robust=True)


def desk_events_sequence(*, wait: bool = False) -> int:
    """Number every committed event that has no position yet, in id order. Returns how many
    this call numbered.

    Safe to run at any time and from any number of processes (after each commit and from the
    sweep): numbering is serialised as the module docstring says. On PostgreSQL, without
    ``wait`` a run that finds another one numbering returns at once, leaving its rows to it;
    with ``wait`` (the sweep), and inside a transaction (whose lock would be held past this
    call, so no holder could look again after it), it waits its turn.
    """
    sql = _SEQUENCE_SQL.format(table=connection.ops.quote_name(DeskEvent._meta.db_table))
    postgresql = connection.vendor == "postgresql"
    inside_transaction = connection.in_atomic_block
    wait = wait or inside_transaction
    numbered = 0
    newest: dict[int, int] = {}  # article id -> its newest position numbered here
    for _round in range(_MAX_ROUNDS):
        with transaction.atomic(), connection.cursor() as cursor:
            rows = _number_batch(cursor, sql, wait=wait) if postgresql else _numbered(cursor, sql)
        if rows is None:
            break  # another sequencer holds the lock: it numbers these rows when it looks again
        for article_id, position in rows:
            newest[article_id] = max(position, newest.get(article_id, 0))
        numbered += len(rows)
        if len(rows) == _BATCH:
            continue
        # The lock is let go: rows that writers left to this run while it held it are committed
        # and visible to this new statement.
        if not postgresql or inside_transaction or not _unnumbered_left():
            break
    if newest:
        # After the numbering committed (at once outside a transaction): a socket rung before
        # would read the database too early and wait for its re-check.
        doorbells = [
            (article_group(article), {"type": DOORBELL, "article": article, "position": pos})
            for article, pos in newest.items()
        ]
        transaction.on_commit(lambda: send_to_groups(doorbells), robust=True)
    return numbered
