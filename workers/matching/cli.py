"""JSON-lines front end of the matcher, as ``manage.py match --jsonl --against FACTS.jsonl`` runs it.

The facts file holds one ``{"id", "claim", "title"?, "rating"?, "url"?}`` per line; stdin holds
``{"id", "text"}`` lines; stdout gets ``{"id", "matches": [{"id", "score"}, ...], "version"}``
per input line, best first. A bad line raises ``ValueError`` naming the file and line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from workers.encoder import Encoder
from workers.matching.index import FactIndex
from workers.matching.version import matcher_version


def read_facts(path: Path) -> Iterator[dict]:
    """The fact-check records of a JSON-lines file; ``ValueError`` naming the line of a bad one."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the facts file {path}: {exc.strerror or exc}") from exc
    with handle:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path} line {line_number}"
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{where} is not JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise ValueError(f'{where} must be a JSON object with "id" and "claim"')
            if not isinstance(record.get("id"), (str, int)) or isinstance(record.get("id"), bool):
                raise ValueError(f'{where} needs an "id" (a string or a whole number)')
            if not isinstance(record.get("claim"), str):
                raise ValueError(f'{where} needs a "claim" string')
            if record.get("title") is not None and not isinstance(record["title"], str):
                raise ValueError(f'{where} has a "title" that is not a string')
            yield record


def run_jsonl(
    facts_path: Path, in_stream: TextIO, out_stream: TextIO, *, limit: int = 10, encoder: Encoder | None = None
) -> int:
    """Index the facts file, then match every ``{"id", "text"}`` line of ``in_stream``.

    Blank lines are skipped. Returns how many records were written.
    """
    index = FactIndex.build(read_facts(facts_path), encoder=encoder)
    version = matcher_version(index.encoder)
    written = 0
    for line_number, line in enumerate(in_stream, 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"input line {line_number} is not JSON: {exc}") from exc
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            raise ValueError(f'input line {line_number} must be a JSON object with a string "text"')
        matches = index.search(request["text"], limit=limit)
        record = {
            "id": request.get("id"),
            "matches": [{"id": match.id, "score": round(match.score, 4)} for match in matches],
            "version": version,
        }
        out_stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    out_stream.flush()
    return written
