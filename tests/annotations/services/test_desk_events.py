"""The desk event sequencer: positions in commit order, and the sweep that numbers what a crash left.

These tests commit for real (``transaction=True``): the sequencer runs from ``on_commit``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from annotations.models import DeskEvent, HistoryEvent
from annotations.services.desk_events import desk_event_record, desk_events_sequence
from annotations.services.items import comment_add
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on
from workers.tasks import sweep_desk_events

pytestmark = pytest.mark.django_db(transaction=True)


def positions_after(article, after: int) -> list[tuple[int, int]]:
    """What a reader catching up is given: (id, position) of the numbered events after ``after``."""
    return list(
        DeskEvent.objects.filter(article=article, position__gt=after).order_by("position").values_list("id", "position")
    )


@pytest.fixture
def article():
    return article_with_revision(body=BODY, title="Jobs")


def test_an_event_is_numbered_when_its_transaction_commits_not_before(article):
    with transaction.atomic():
        event = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)
        assert DeskEvent.objects.get(pk=event.pk).position is None  # invisible to readers until committed

    assert positions_after(article, 0) == [(event.pk, 1)]


def test_a_row_with_a_lower_id_committed_later_is_numbered_after_what_a_reader_already_saw(article):
    """The commit-order case, as the database sees it: a transaction that took the lower id
    commits after a reader read past a higher id. On SQLite (one writer at a time) the late
    commit is the row inserted with the lower id; the real concurrent case runs on PostgreSQL
    below."""
    seen = DeskEvent.objects.create(pk=11, article=article, kind=HistoryEvent.Action.SETTINGS)
    desk_events_sequence()
    read_first = positions_after(article, 0)
    late = DeskEvent.objects.create(pk=10, article=article, kind=DeskEvent.JOB)
    desk_events_sequence()

    assert read_first == [(seen.pk, 1)]
    assert positions_after(article, read_first[-1][1]) == [(late.pk, 2)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: SQLite serialises them")
def test_concurrent_transactions_are_numbered_in_commit_order_not_id_order(article):
    took_id = threading.Event()
    may_commit = threading.Event()
    slow_ids: list[int] = []

    def slow_writer():
        try:
            with transaction.atomic():
                slow_ids.append(desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.SETTINGS).pk)
                took_id.set()
                assert may_commit.wait(10), "the test never let the slow transaction commit"
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert took_id.wait(10), "the slow writer did not start"
    fast = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)  # commits at once
    read_first = positions_after(article, 0)
    may_commit.set()
    thread.join(10)

    assert slow_ids[0] < fast.pk  # the slow one took the lower id ...
    assert read_first == [(fast.pk, 1)]  # ... a reader saw only the committed one ...
    assert positions_after(article, 1) == [(slow_ids[0], 2)]  # ... and is given the slow one next


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sequencers at once: SQLite serialises them")
def test_a_writer_leaves_its_rows_to_a_busy_sequencer_which_numbers_them_once_it_lets_go(article, monkeypatch):
    from annotations.services import desk_events

    holding = threading.Event()  # the other sequencer holds the lock ...
    may_let_go = threading.Event()  # ... until the test lets it commit
    number_batch = desk_events._number_batch
    numbered_by_holder: list[int] = []

    def number_batch_slowly(cursor, sql, *, wait):
        rows = number_batch(cursor, sql, wait=wait)
        if threading.current_thread().name == "holder" and not holding.is_set():
            holding.set()
            assert may_let_go.wait(10), "the test never let the holder commit"
        return rows

    monkeypatch.setattr(desk_events, "_number_batch", number_batch_slowly)

    def holder():
        try:
            numbered_by_holder.append(desk_events_sequence())
        finally:
            connection.close()

    first = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)  # numbered at once: 1
    DeskEvent.objects.create(article=article, kind=HistoryEvent.Action.PUBLISH)  # left for the holder (no commit hook)
    thread = threading.Thread(target=holder, name="holder")
    thread.start()
    assert holding.wait(10), "the holder did not take the lock"

    # This writer's sequencer finds the lock taken: it returns at once instead of waiting for it.
    late = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.REOPEN)
    assert DeskEvent.objects.get(pk=late.pk).position is None
    may_let_go.set()
    thread.join(10)

    # The holder looked again after letting go and numbered the writer's row in a second round.
    assert positions_after(article, 0)[0] == (first.pk, 1)
    assert positions_after(article, 2) == [(late.pk, 3)]
    assert numbered_by_holder == [2]


def test_a_crash_between_commit_and_sequencing_is_recovered_by_the_sweep(article, monkeypatch):
    claim = item_on(article, SENTENCE_1)
    author = UserFactory(username="alice", role="reviewer")
    # The process dies after the commit, before its on_commit callbacks run: none of them runs.
    monkeypatch.setattr(transaction, "on_commit", lambda *args, **kwargs: None)
    comment_add(item_id=claim.pk, kind=claim.kind, author=author, body="Source?")
    monkeypatch.undo()

    event = DeskEvent.objects.get(article=article, kind=HistoryEvent.Action.COMMENT)
    assert event.position is None and positions_after(article, 0) == []

    assert sweep_desk_events() == 1
    assert positions_after(article, 0) == [(event.pk, 1)]
    assert sweep_desk_events() == 0  # nothing numbered twice


def test_one_transaction_of_many_events_runs_the_sequencer_once_and_numbers_them_in_order(article):
    with transaction.atomic():
        first = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)
        second = desk_event_record(article_id=article.pk, kind=HistoryEvent.Action.PUBLISH)
        registered = [callback for _sids, callback, _robust in connection.run_on_commit]
        assert registered.count(desk_events_sequence) == 1

    assert positions_after(article, 0) == [(first.pk, 1), (second.pk, 2)]
