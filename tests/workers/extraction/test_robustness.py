"""The engine returns on any input, and every span it returns is anchored to the text."""

from __future__ import annotations

import io
import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.extraction import Extraction, extract
from workers.extraction.cli import run_jsonl
from workers.extraction.engine import extractor_version


def _assert_anchored(text: str, result: Extraction) -> None:
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.score <= 1.0
    for quote in result.quotes:
        assert text[quote.start : quote.end] == quote.text
        if quote.speaker_start is not None:
            assert 0 <= quote.speaker_start < quote.speaker_end <= len(text)


_NEWSY = st.text(alphabet=st.sampled_from(list("abc XYZ.,;:!?\"'“”‘’«»\n0123456789-—()$%")), max_size=400)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_string(text: str) -> None:
    _assert_anchored(text, extract(text, claim_threshold=0.0))


@settings(max_examples=300, deadline=None)
@given(_NEWSY)
def test_text_dense_in_quote_marks_and_punctuation(text: str) -> None:
    _assert_anchored(text, extract(text, claim_threshold=0.0))


def test_empty_text() -> None:
    result = extract("")
    assert (result.claims, result.quotes) == ([], [])


def test_thousands_of_quote_marks() -> None:
    for text in ('"' * 5000, "“" * 3000 + "”" * 3000, '"a" ' * 3000, "'' " * 4000, '“x," he said, "y' * 800):
        _assert_anchored(text, extract(text))


def test_one_megabyte_article_in_a_few_seconds() -> None:
    paragraph = (
        'Sen. Jane Doe said the U.S. spent $3.5 billion in Jan. 2024. "We will," she said, "go on." '
        "Unemployment rose by 12 percent, according to the ministry.\n\n"
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    started = time.perf_counter()
    # In the default mode too: past ENCODER_MAX_SENTENCES (a megabyte is 25,000 sentences) the
    # engine scores in the fast mode, and says so in the version.
    result = extract(text)
    assert result.version == extractor_version("fast")
    assert time.perf_counter() - started < 20
    assert len(result.quotes) > 1000 and len(result.claims) > 1000
    _assert_anchored(text, result)


def test_run_jsonl_writes_one_record_per_input_line() -> None:
    lines = [json.dumps({"id": 1, "text": '"We will go on," she said.'}), "", json.dumps({"id": "b", "text": ""})]
    out = io.StringIO()
    assert run_jsonl(io.StringIO("\n".join(lines) + "\n"), out) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [record["id"] for record in records] == [1, "b"]
    assert records[0]["quotes"][0]["speaker_start"] is not None
    assert set(records[0]) >= {"id", "claims", "quotes", "version"}
