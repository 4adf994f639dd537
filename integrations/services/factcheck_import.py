"""Import of earlier fact-checks into the library: ClaimReview JSON-LD, CSV and JSON Lines.

Readers stream the input (a 100 MB file is never held whole) and yield one raw record per
review, with where it was read (``file:line`` or ``file#n``). ``factcheck_from_record`` checks a
record and builds its unsaved ``FactCheck``, or raises ``RecordError`` with a reason meant for
the summary. ``factchecks_import`` writes the good ones in batches inside one transaction: a
record is written whole or not at all, and an input that breaks off (malformed JSON) writes
nothing. Idempotent: a review already in the library (same review URL or id) is a duplicate.

JSON-LD: a single ``ClaimReview``, a page's ``@graph``, a ``DataFeed`` (``dataFeedElement``,
each element a ``ClaimReview`` or a ``DataFeedItem`` holding some), or a list of any of these.
A top-level JSON array and JSON Lines are streamed one value at a time; a single JSON object
(one page, one feed) is read whole, up to ``MAX_DOCUMENT_BYTES``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from annotations.models import FactCheck
from annotations.services.factchecks import factchecks_after_import, factchecks_import_batch

FORMATS = ("jsonld", "jsonl", "csv")
_SUFFIXES = {".json": "jsonld", ".jsonld": "jsonld", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
# One JSON object (a page, a feed) is parsed whole; larger inputs must be a top-level array or JSON Lines.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_CLAIM_CHARS = 10_000
BATCH = 1000
_CHUNK = 1 << 20
# The columns of CSV and the keys of flat JSON Lines records.
FLAT_FIELDS = (
    "id", "claim", "title", "rating", "rating_value", "best_rating", "worst_rating", "verdict", "publisher",
    "publisher_url", "claimant", "date", "url", "language", "rationale",
)
# Textual ratings that state this desk's verdicts; anything else keeps the rating as text only.
_DISPUTED_WORDS = ("false", "fake", "pants on fire", "incorrect", "wrong", "misleading", "not true", "hoax",
                   "fabricated", "baseless", "debunked", "distorted", "exaggerated", "inaccurate")
_CORRECT_WORDS = ("true", "correct", "accurate", "verified")
_MIXED_WORDS = ("half", "mixed", "mixture", "partly", "partially", "unproven", "unverified", "missing context")


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, for the summary."""


class InputError(ValueError):
    """The input itself is broken (malformed JSON, a document too large): nothing is written."""


@dataclass(frozen=True)
class RawRecord:
    origin: str
    data: dict[str, Any] | None
    kind: str  # "claimreview" or "flat"
    error: str = ""


@dataclass
class FactCheckImportSummary:
    imported: int = 0
    duplicates: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    fatal: str = ""

    @property
    def failed(self) -> int:
        return len(self.failures)


def format_of(path: Path) -> str | None:
    return _SUFFIXES.get(path.suffix.lower())


def records_from_stream(stream: IO[bytes], *, fmt: str, origin: str) -> Iterator[RawRecord]:
    """The raw records of one input, streamed. Raises ``InputError`` when the input breaks off."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        if fmt == "csv":
            yield from _csv_records(text, origin)
        elif fmt == "jsonl":
            yield from _jsonl_records(text, origin)
        elif fmt == "jsonld":
            for number, value in enumerate(_json_values(text), start=1):
                yield from _claimreviews_in(value, f"{origin}#{number}")
        else:
            raise InputError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    except UnicodeDecodeError as exc:
        raise InputError(f"{origin}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc


def records_from_path(path: Path, *, fmt: str | None) -> Iterator[RawRecord]:
    chosen = fmt or format_of(path)
    if chosen is None:
        raise InputError(f"{path}: unknown suffix; say --format {'|'.join(FORMATS)}.")
    with path.open("rb") as stream:
        yield from records_from_stream(stream, fmt=chosen, origin=str(path))


def _csv_records(text: IO[str], origin: str) -> Iterator[RawRecord]:
    reader = csv.DictReader(text)
    if reader.fieldnames is None or "claim" not in reader.fieldnames:
        raise InputError(f"{origin}: a CSV file needs a header row with a 'claim' column ({', '.join(FLAT_FIELDS)}).")
    for row in reader:
        yield RawRecord(origin=f"{origin}:{reader.line_num}", data=dict(row), kind="flat")


def _jsonl_records(text: IO[str], origin: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            error = f"malformed JSON: {exc.msg} at column {exc.colno}"
            yield RawRecord(origin=where, data=None, kind="flat", error=error)
            continue
        if isinstance(value, dict) and not _is_linked_data(value):
            yield RawRecord(origin=where, data=value, kind="flat")
        else:
            yield from _claimreviews_in(value, where)


def _is_linked_data(value: dict) -> bool:
    return any(key in value for key in ("@type", "@context", "@graph"))


def _json_values(text: IO[str]) -> Iterator[Any]:
    """The values of a JSON document: the elements of a top-level array one at a time (streamed),
    or the one top-level value."""
    decoder = json.JSONDecoder()
    buffer = text.read(_CHUNK)
    position = _skip_space(buffer, 0)
    if position >= len(buffer):
        raise InputError("malformed JSON-LD: the input is empty.")
    if buffer[position] != "[":
        whole = buffer + _read_at_most(text, MAX_DOCUMENT_BYTES - len(buffer))
        try:
            yield json.loads(whole)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON-LD: {exc.msg} at line {exc.lineno} column {exc.colno}.") from exc
        return
    position += 1
    consumed = 0  # characters dropped from the front of the buffer, for error positions
    expect_value = True
    while True:
        position = _skip_space(buffer, position)
        if position >= len(buffer) - 1:
            more = text.read(_CHUNK)
            if more:
                buffer, consumed, position = buffer[position:] + more, consumed + position, 0
                continue
        if position >= len(buffer):
            raise InputError("malformed JSON-LD: the array is not closed (the input ends early).")
        char = buffer[position]
        if char == "]" and not expect_value:
            return
        if char == "," and not expect_value:
            position, expect_value = position + 1, True
            continue
        try:
            value, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            more = text.read(_CHUNK)
            if more and len(buffer) - position < MAX_DOCUMENT_BYTES:
                buffer, consumed, position = buffer[position:] + more, consumed + position, 0
                continue
            raise InputError(f"malformed JSON-LD: {exc.msg} at character {consumed + exc.pos}.") from exc
        if end >= len(buffer):
            # A number may continue in the next chunk: decode again with more text.
            more = text.read(_CHUNK)
            if more:
                buffer, consumed, position = buffer[position:] + more, consumed + position, 0
                continue
        yield value
        position, expect_value = end, False


def _skip_space(buffer: str, position: int) -> int:
    while position < len(buffer) and buffer[position] in " \t\r\n":
        position += 1
    return position


def _read_at_most(text: IO[str], limit: int) -> str:
    parts, size = [], 0
    while size <= limit and (chunk := text.read(_CHUNK)):
        size += len(chunk)
        parts.append(chunk)
    if size > limit:
        raise InputError(
            f"one JSON document over {MAX_DOCUMENT_BYTES / (1024 * 1024):g} MB: send the reviews as a "
            "top-level JSON array or as JSON Lines (one review a line), which are streamed."
        )
    return "".join(parts)


def _types(node: dict) -> list[str]:
    kind = node.get("@type", [])
    return [str(name).rsplit("/", 1)[-1] for name in (kind if isinstance(kind, list) else [kind])]


def _claimreviews_in(value: Any, origin: str) -> Iterator[RawRecord]:
    """Every ClaimReview node in a JSON-LD value (a review, a graph, a feed, a list of them)."""
    found = 0
    for node in _walk(value, depth=0):
        found += 1
        yield RawRecord(origin=origin if found == 1 else f"{origin}.{found}", data=node, kind="claimreview")
    if not found:
        yield RawRecord(origin=origin, data=None, kind="claimreview", error="no ClaimReview in this JSON-LD value")


def _walk(value: Any, *, depth: int) -> Iterator[dict]:
    if depth > 8:
        return
    if isinstance(value, list):
        for element in value:
            yield from _walk(element, depth=depth + 1)
        return
    if not isinstance(value, dict):
        return
    if "ClaimReview" in _types(value):
        yield value
        return
    for key in ("@graph", "dataFeedElement", "item", "mainEntity"):
        if key in value:
            yield from _walk(value[key], depth=depth + 1)


def factcheck_from_record(record: RawRecord, *, imported_by: AbstractBaseUser | None) -> FactCheck:
    """The unsaved fact-check of a raw record, checked; ``RecordError`` says what is wrong."""
    if record.error:
        raise RecordError(record.error)
    data = record.data or {}
    fields = _claimreview_fields(data) if record.kind == "claimreview" else _flat_fields(data)
    claim = " ".join(str(fields.get("claim_text") or "").split())
    if not claim:
        raise RecordError("review without a claim (claimReviewed / claim is missing or empty)")
    if len(claim) > MAX_CLAIM_CHARS:
        raise RecordError(f"the claim is {len(claim)} characters; at most {MAX_CLAIM_CHARS}")
    value, best, worst = (_number(fields.get(name), name) for name in ("rating_value", "best_rating", "worst_rating"))
    if value is not None:
        best = 5.0 if best is None else best
        worst = 1.0 if worst is None else worst
        if best <= worst:
            raise RecordError(f"rating scale {worst:g}..{best:g} is empty (bestRating must exceed worstRating)")
        if not worst <= value <= best:
            raise RecordError(f"rating {value:g} is outside its scale {worst:g}..{best:g}")
    rating = str(fields.get("rating") or "").strip()[:200]
    if value is None and not rating:
        raise RecordError("no rating (neither a ratingValue nor a textual rating)")
    review_url = _http_url(fields.get("review_url"), "review URL")
    external_id = str(fields.get("external_id") or "").strip()[:500]
    if not review_url and not external_id:
        raise RecordError("no review URL or id: it could not be recognised when imported again")
    verdict = str(fields.get("verdict") or "").strip().lower()
    if verdict and verdict not in ("correct", "disputed", "unverified"):
        raise RecordError(f"verdict {verdict!r} is not one of correct, disputed, unverified")
    return FactCheck(
        source=FactCheck.Source.IMPORTED,
        claim_text=claim,
        title=" ".join(str(fields.get("title") or "").split())[:500],
        verdict=verdict or verdict_of_rating(rating, value=value, best=best, worst=worst),
        rating=rating,
        rating_value=value,
        best_rating=best if value is not None else None,
        worst_rating=worst if value is not None else None,
        rationale=str(fields.get("rationale") or "")[:20000],
        publisher=str(fields.get("publisher") or "").strip()[:300],
        publisher_url=_http_url(fields.get("publisher_url"), "publisher URL"),
        claimant=str(fields.get("claimant") or "").strip()[:300],
        reviewed_at=_date(fields.get("date")),
        review_url=review_url,
        external_id=external_id,
        language=str(fields.get("language") or "").strip()[:16],
        imported_by=imported_by,
    )


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "")


def _claimreview_fields(node: dict) -> dict[str, Any]:
    rating = node.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    if not isinstance(rating, dict):
        raise RecordError("reviewRating is not a Rating object")
    author = node.get("author") or {}
    if isinstance(author, list):
        author = author[0] if author else {}
    reviewed = node.get("itemReviewed") or {}
    reviewed = reviewed if isinstance(reviewed, dict) else {}
    claim = node.get("claimReviewed")
    return {
        "claim_text": claim if isinstance(claim, str) else "",
        "title": node.get("headline") or node.get("name") or "",
        "rating": rating.get("alternateName") or rating.get("textualRating") or rating.get("name") or "",
        "rating_value": rating.get("ratingValue"),
        "best_rating": rating.get("bestRating"),
        "worst_rating": rating.get("worstRating"),
        "publisher": _name(author),
        "publisher_url": author.get("url", "") if isinstance(author, dict) else "",
        "claimant": _name(reviewed.get("author")),
        "date": node.get("datePublished") or "",
        "review_url": node.get("url") or "",
        "external_id": node.get("@id") or node.get("identifier") or "",
        "language": node.get("inLanguage") if isinstance(node.get("inLanguage"), str) else "",
    }


def _flat_fields(row: dict) -> dict[str, Any]:
    unknown = sorted(set(row) - set(FLAT_FIELDS) - {None})
    if unknown:
        raise RecordError(f"unknown field(s) {', '.join(map(str, unknown))}; known: {', '.join(FLAT_FIELDS)}")
    return {
        "claim_text": row.get("claim") or "",
        "title": row.get("title") or "",
        "rating": row.get("rating") or "",
        "rating_value": row.get("rating_value"),
        "best_rating": row.get("best_rating"),
        "worst_rating": row.get("worst_rating"),
        "verdict": row.get("verdict") or "",
        "publisher": row.get("publisher") or "",
        "publisher_url": row.get("publisher_url") or "",
        "claimant": row.get("claimant") or "",
        "date": row.get("date") or "",
        "review_url": row.get("url") or "",
        "external_id": row.get("id") or "",
        "language": row.get("language") or "",
        "rationale": row.get("rationale") or "",
    }


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{name} {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"{name} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise RecordError(f"{name} {value!r} is not a finite number")
    return number


def _http_url(value: Any, name: str) -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise RecordError(f"{name} {url[:100]!r} is not an http(s) URL")
    if len(url) > 2000:
        raise RecordError(f"{name} is longer than 2000 characters")
    return url


def _date(value: Any) -> dt.datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise RecordError(f"date {text[:40]!r} is not an ISO 8601 date")
    if moment is None:
        moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def verdict_of_rating(rating: str, *, value: float | None, best: float | None, worst: float | None) -> str:
    """This desk's verdict for a publisher's rating: by its words first, else by its place on the
    scale (top fifth correct, bottom fifth disputed); "" when it states neither."""
    words = rating.lower()
    if any(word in words for word in _MIXED_WORDS):
        return ""
    if any(word in words for word in _DISPUTED_WORDS):
        return "disputed"
    if any(word in words for word in _CORRECT_WORDS):
        return "correct"
    if value is not None and best is not None and worst is not None and best > worst:
        place = (value - worst) / (best - worst)
        return "correct" if place >= 0.8 else "disputed" if place <= 0.2 else ""
    return ""


def factchecks_import(
    records: Iterable[RawRecord], *, imported_by: AbstractBaseUser | None,
    progress: Callable[[FactCheckImportSummary], None] | None = None,
) -> FactCheckImportSummary:
    """Import ``records`` in one transaction; an ``InputError`` midway rolls it all back (the
    summary's ``fatal`` says why). Per-record problems are listed and skip that record only."""
    summary = FactCheckImportSummary()
    new_ids: list[int] = []
    try:
        with transaction.atomic():
            batch: list[FactCheck] = []
            for record in records:
                try:
                    batch.append(factcheck_from_record(record, imported_by=imported_by))
                except RecordError as exc:
                    summary.failures.append((record.origin, str(exc)))
                if len(batch) >= BATCH:
                    _write(batch, summary, new_ids)
                    batch = []
                if progress is not None:
                    progress(summary)
            _write(batch, summary, new_ids)
            factchecks_after_import(factcheck_ids=new_ids)
    except InputError as exc:
        summary.fatal = str(exc)
        summary.imported = 0
        summary.duplicates = 0
    return summary


def _write(batch: list[FactCheck], summary: FactCheckImportSummary, new_ids: list[int]) -> None:
    if not batch:
        return
    stored = factchecks_import_batch(batch)
    summary.imported += len(stored)
    summary.duplicates += len(batch) - len(stored)
    new_ids.extend(row.pk for row in stored if row.pk is not None)
