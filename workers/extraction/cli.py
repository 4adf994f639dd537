"""JSON-lines front end of the engine: ``python -m workers.extraction.cli [--threshold X]``.

Reads ``{"id", "text"}`` (or ``{"id", "html"}``), with an optional ``"title"``, per line on stdin
and writes ``{"id", "claims": [...], "quotes": [...], "version": ...}`` per line on stdout, offsets
into the given text (for ``html``, into the page's main text, which is returned as ``"text"``; its
title is the page's unless given). A first line that is the title is the headline: never a claim.
``manage.py extract --jsonl`` and the scoring scripts speak the same format, so the engine can be
scored without Django.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from workers.extraction.engine import extract
from workers.extraction.html import document_from_html
from workers.extraction.jsonl import extraction_to_json
from workers.extraction.scoring import MODES


def run_jsonl(
    in_stream: TextIO, out_stream: TextIO, *, claim_threshold: float | None = None, mode: str | None = None
) -> int:
    """Extract from every ``{"id", "text"}`` or ``{"id", "html"}`` line of ``in_stream``; write one
    JSON line per input.

    Blank lines are skipped. A line that is not a JSON object with a string ``"text"`` or
    ``"html"`` raises ``ValueError`` naming the line number, so a caller can report which input
    was wrong.
    Returns how many records were written.
    """
    options: dict = {"mode": mode}
    if claim_threshold is not None:
        options["claim_threshold"] = claim_threshold
    written = 0
    for line_number, line in enumerate(in_stream, 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"line {line_number} is not JSON: {exc}") from exc
        if not isinstance(request, dict) or not (
            isinstance(request.get("text"), str) or isinstance(request.get("html"), str)
        ):
            raise ValueError(f'line {line_number} must be a JSON object with a string "text" or "html"')
        title = request.get("title")
        if title is not None and not isinstance(title, str):
            raise ValueError(f'line {line_number}: "title" must be a string')
        record = {"id": request.get("id")}
        text = request.get("text")
        if text is None:
            page = document_from_html(request["html"])
            text = record["text"] = page.text
            title = title if title is not None else page.title
        record.update(extraction_to_json(extract(text, headline=title or "", **options)))
        out_stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    out_stream.flush()
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None, help="lowest check-worthiness of a claim")
    parser.add_argument("--mode", choices=MODES, default=None, help="claims mode (default: $CLAIMS_MODE, else encoder)")
    args = parser.parse_args(argv)
    try:
        run_jsonl(sys.stdin, sys.stdout, claim_threshold=args.threshold, mode=args.mode)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
