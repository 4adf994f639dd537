"""Spans of an article's text: the content hash, an item's context and the span check."""

from __future__ import annotations

import hashlib

import pytest

from annotations.rules.spans import SpanProblem, content_hash, span_context, span_problem

BODY = "The minister said unemployment fell to 4.1 percent.   It rose again in July."


def test_content_hash_is_the_hex_sha256_of_the_utf8_text():
    assert content_hash("Café") == hashlib.sha256("Café".encode()).hexdigest()
    assert len(content_hash("")) == 64
    assert content_hash("a") != content_hash("a ")


def test_context_is_width_characters_on_each_side():
    start = BODY.index("unemployment")
    end = BODY.index(" percent")

    prefix, suffix = span_context(BODY, start, end, width=10)

    assert prefix == "ster said "
    assert suffix == " percent. "


def test_context_is_shorter_at_the_ends_of_the_text_never_padded():
    assert span_context(BODY, 0, 3, width=32) == ("", BODY[3:35])
    assert span_context(BODY, len(BODY) - 5, len(BODY), width=32) == (BODY[-37:-5], "")
    assert span_context("short", 1, 4, width=32) == ("s", "t")


def test_a_span_of_words_inside_the_text_has_no_problem():
    start = BODY.index("unemployment")
    end = start + len("unemployment")

    assert span_problem(BODY, start, end) is None
    assert span_problem(BODY, start, end, text="unemployment") is None
    assert span_problem(BODY, 0, len(BODY)) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 3), (5, 5), (6, 5), (0, len(BODY) + 1), (len(BODY), len(BODY) + 2)],
)
def test_a_span_not_inside_the_text_or_not_start_before_end_is_outside(start, end):
    assert span_problem(BODY, start, end) is SpanProblem.OUTSIDE
    # The most basic problem is reported first, whatever else would be wrong too.
    assert span_problem(BODY, start, end, text="x", allow_blank=True) is SpanProblem.OUTSIDE


def test_text_that_is_not_what_the_body_says_there_is_a_mismatch():
    start = BODY.index("unemployment")

    assert span_problem(BODY, start, start + 12, text="Unemployment") is SpanProblem.MISMATCH
    assert span_problem(BODY, start, start + 12, text="unemploymen") is SpanProblem.MISMATCH
    assert span_problem(BODY, start, start + 12, text="") is SpanProblem.MISMATCH


def test_white_space_only_is_blank_unless_allowed():
    gap = BODY.index("   ")

    assert span_problem(BODY, gap, gap + 3) is SpanProblem.BLANK
    assert span_problem(BODY, gap, gap + 3, text="   ") is SpanProblem.BLANK
    assert span_problem(BODY, gap, gap + 3, allow_blank=True) is None
    assert span_problem(BODY, gap, gap + 3, text="  x", allow_blank=True) is SpanProblem.MISMATCH
