"""The desk benchmark's own arithmetic: percentiles, the HTTP answer parser, and how pushed
events are matched to the writes that caused them (no server, no database)."""

from __future__ import annotations

import asyncio

from benchmarks.desk_load import PushTracker, parse_response, percentiles


def test_percentiles_are_nearest_rank_in_milliseconds():
    values = [n / 1000 for n in range(1, 101)]  # 1 ms .. 100 ms

    assert percentiles(values) == {"count": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
    assert percentiles([]) == {"count": 0}
    assert percentiles([0.25]) == {"count": 1, "p50": 250.0, "p95": 250.0, "p99": 250.0, "max": 250.0}


def test_a_chunked_answer_is_joined_and_headers_are_lower_case():
    raw = (b'HTTP/1.1 201 Created\r\nETag: "4"\r\nTransfer-Encoding: chunked\r\n\r\n'
           b'5\r\n{"a":\r\n3\r\n 1}\r\n0\r\n\r\n')

    answer = parse_response(raw)

    assert (answer.status, answer.headers["etag"], answer.json()) == (201, '"4"', {"a": 1})


def test_each_page_gets_each_write_once_in_order_and_the_writers_own_page_is_counted_apart():
    tracker = PushTracker()
    first = tracker.expect(kind="review", article=1, item=7, actor="ann", sent=10.0, pages=[1, 2])
    second = tracker.expect(kind="review", article=1, item=7, actor="ann", sent=11.0, pages=[1, 2])
    event = {"type": "review", "item": 7, "actor": "ann"}

    tracker.arrived(page=1, article=1, user="bob", event=event, at=10.2)  # before the answer came back
    tracker.answered(first, at=10.3, ok=True)
    tracker.answered(second, at=11.1, ok=True)
    tracker.arrived(page=1, article=1, user="bob", event=event, at=11.4)
    tracker.arrived(page=2, article=1, user="cy", event=event, at=11.5)
    tracker.arrived(page=0, article=1, user="ann", event=event, at=11.6)  # ann's own page
    tracker.arrived(page=2, article=1, user="cy", event={"type": "status", "item": 7, "actor": "ann"}, at=11.6)

    figures = tracker.figures()
    assert first.arrivals == [10.2, 11.5] and second.arrivals == [11.4]
    assert second.waiting == {2}
    assert (figures["writes"], figures["deliveries"], figures["missing"], figures["before_answer"]) == (2, 3, 1, 1)
    assert figures["own_page_events"] == {"review": 1} and figures["unmatched_events"] == {"status": 1}
    assert figures["from_answer_ms"]["max"] == 1200.0  # 11.5 - 10.3
    assert figures["missing_though_a_later_write_arrived"] == 0  # page 2 got the first write, not yet the second


def test_a_page_told_of_a_later_write_but_not_an_earlier_one_counts_as_skipped():
    tracker = PushTracker()
    earlier = tracker.expect(kind="comment", article=1, item=7, actor="ann", sent=1.0, pages=[1])
    tracker.answered(earlier, at=1.1, ok=True)
    later = tracker.expect(kind="comment", article=1, item=8, actor="ann", sent=2.0, pages=[1])
    tracker.answered(later, at=2.1, ok=True)

    tracker.arrived(page=1, article=1, user="bob", event={"type": "comment", "item": 8, "actor": "ann"}, at=2.2)

    figures = tracker.figures()
    assert (figures["missing"], figures["missing_though_a_later_write_arrived"]) == (1, 1)


def test_a_refused_write_expects_no_event_and_the_next_one_is_matched():
    tracker = PushTracker()
    refused = tracker.expect(kind="assign", article=1, item=7, actor="ed", sent=1.0, pages=[1])
    tracker.answered(refused, at=1.1, ok=False)  # a 412
    accepted = tracker.expect(kind="assign", article=1, item=7, actor="ed", sent=2.0, pages=[1])
    tracker.answered(accepted, at=2.1, ok=True)

    tracker.arrived(page=1, article=1, user="bob", event={"type": "assign", "item": 7, "actor": "ed"}, at=2.2)

    assert accepted.arrivals == [2.2] and refused.arrivals == []
    assert tracker.figures()["missing"] == 0
    assert asyncio.run(tracker.drain(timeout=1)) < 0.5  # nothing left to wait for
