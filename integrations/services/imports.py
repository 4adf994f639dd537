"""Bulk import of articles from files: plain text, HTML, JSON Lines and CSV.

Readers turn a file (or standard input) into records, each ``{"text"|"html"|"url", metadata...}``
with where it came from; ``articles_import_record`` hands one to ``article_ingest``, which already
recognises content stored before, so importing the same files twice stores nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth.models import AbstractBaseUser

from annotations.services.ingest import article_ingest
from factcheck.errors import ServiceError

FORMATS = ("txt", "html", "jsonl", "csv")
_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl",
             ".csv": "csv"}
SOURCES = ("text", "html", "url")
METADATA = ("title", "source_url", "publisher", "byline", "published_date", "language")


@dataclass(frozen=True)
class Record:
    """One article to import, and where it was read (``file`` or ``file:line``) for the report."""

    origin: str
    fields: dict[str, Any] | None
    error: str = ""


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)


def format_of(path: Path) -> str | None:
    return _SUFFIXES.get(path.suffix.lower())


def files_under(path: Path) -> list[Path]:
    """The importable files: ``path`` itself, or every file of a known type under the folder, sorted."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and format_of(p))
    return [path]


def _records_of_jsonl(stream: TextIO, origin: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield Record(where, None, f"not valid JSON: {exc}")
            continue
        if not isinstance(value, dict):
            yield Record(where, None, "each line must be a JSON object")
            continue
        yield Record(where, value)


def _records_of_csv(stream: TextIO, origin: str) -> Iterator[Record]:
    reader = csv.DictReader(stream)
    if not reader.fieldnames or not set(SOURCES) & set(reader.fieldnames):
        yield Record(origin, None, "a CSV needs a header with a 'text', 'html' or 'url' column")
        return
    for row in reader:
        # Empty cells mean "not given", so a sheet with text and url columns can mix both.
        values = {key: value for key, value in row.items() if key and value not in (None, "")}
        yield Record(f"{origin}:{reader.line_num}", values)


def records_from_stream(stream: TextIO, *, fmt: str, origin: str) -> Iterator[Record]:
    """The records of one file in format ``fmt``: a whole text or page, or one per line or row."""
    if fmt == "jsonl":
        yield from _records_of_jsonl(stream, origin)
    elif fmt == "csv":
        yield from _records_of_csv(stream, origin)
    else:
        yield Record(origin, {"text" if fmt == "txt" else "html": stream.read()})


def records_from_path(path: Path, *, fmt: str | None = None) -> Iterator[Record]:
    """Records of a file or of every known file under a folder (a file's suffix gives its format)."""
    for file in files_under(path):
        file_format = fmt or format_of(file)
        if file_format is None:
            yield Record(str(file), None, f"unknown file type; use one of {', '.join(FORMATS)} or --format")
            continue
        try:
            with open(file, encoding="utf-8", errors="replace", newline="") as stream:
                yield from records_from_stream(stream, fmt=file_format, origin=str(file))
        except OSError as exc:
            yield Record(str(file), None, f"cannot read: {exc.strerror or exc}")


def _ingest_arguments(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(SOURCES) - set(METADATA) - {"id"})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(SOURCES + METADATA)}")
    given = [name for name in SOURCES if fields.get(name) not in (None, "")]
    if len(given) != 1:
        raise ValueError(f"give exactly one of text, html or url (got {', '.join(given) or 'none'})")
    arguments: dict[str, Any] = {given[0]: str(fields[given[0]])}
    for name in METADATA:
        value = fields.get(name)
        if value in (None, ""):
            continue
        if name == "published_date":
            try:
                value = dt.date.fromisoformat(str(value)[:10])
            except ValueError as exc:
                raise ValueError(f"published_date {value!r} is not a date like 2025-06-30") from exc
        arguments[name] = value if name == "published_date" else str(value)
    return arguments


def articles_import_record(*, record: Record, added_by: AbstractBaseUser, summary: ImportSummary) -> None:
    """Ingest one record and count it: imported, duplicate (same content as before) or failed."""
    if record.fields is None:
        summary.failures.append((record.origin, record.error))
        return
    try:
        result = article_ingest(added_by=added_by, **_ingest_arguments(record.fields))
    except ValueError as exc:
        summary.failures.append((record.origin, str(exc)))
        return
    except ServiceError as exc:
        summary.failures.append((record.origin, exc.message))
        return
    if result.created:
        summary.imported += 1
    else:
        summary.duplicates += 1


def text_stream(raw: io.BufferedIOBase) -> TextIO:
    """Standard input as UTF-8 text, whatever the terminal's locale."""
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
