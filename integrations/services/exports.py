"""CSV and JSON Lines export of items with their status, reviews and evidence, streamed.

Rows are produced from a bounded number of queries whatever the size of the export: items are
read in chunks of ``CHUNK`` with ``iterator``, and each chunk's current reviews (with their
reviewers) are fetched by one prefetch query. Nothing is held in memory beyond one chunk.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from annotations import selectors as annotation_selectors
from annotations.models import Item
from annotations.rules.visibility import verdict_fields_as_shown
from integrations.selectors import ReviewsShownTo, current_reviews_prefetch

CHUNK = 500
CSV_COLUMNS = [
    "id", "kind", "article", "article_title", "article_url", "revision", "start", "end", "text", "speaker",
    "status", "resolution_status", "resolution_note", "score", "origin", "dismissed", "orphaned",
    "needs_rereview", "reviews", "verdicts", "rationales", "evidence_urls", "created_at", "status_changed_at",
]
# A cell a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP's advice on
# CSV injection); the JSON Lines export keeps every value as it is.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet may cut a cell where this file does not: at ";" in locales whose list separator
# it is (quotes are only written around cells holding ","), at a tab, at a line break. So a formula
# start after any of them, past blanks and quotes (which do not stop a formula), gets one too.
_FORMULA_AFTER_SEPARATOR = re.compile(r"""([,;\t\r\n][\s"]*)(?=[=+\-@])""")


def export_queryset(
    *, reader: AbstractBaseUser, article: int | None = None, kind: str | None = None,
    statuses: list[str] | None = None,
) -> QuerySet:
    """Items to export, filtered, in id order, with what each row needs joined or prefetched.

    ``statuses`` are matched against the status ``reader`` is shown (blind mode).
    """
    items = (
        Item.objects.select_related("revision__article")
        # The revision's body can be megabytes; a row needs only the article's metadata.
        .defer("revision__body")
        .prefetch_related(current_reviews_prefetch())
        .order_by("id")
    )
    if article is not None:
        items = items.filter(revision__article_id=article)
    if kind:
        items = items.filter(kind=kind)
    if statuses:
        items = annotation_selectors.items_with_status_among(items, statuses=statuses, reader=reader)
    return items


def _review_dicts(item: Item, visibility: ReviewsShownTo) -> list[dict[str, Any]]:
    reviews = visibility.filter(item.current_reviews, item_id=item.pk, blind=item.revision.article.blind_review)
    return [
        {
            "id": review.pk,
            "reviewer": review.reviewer.get_username(),
            "verdict": review.verdict,
            "rationale": review.rationale,
            "evidence": review.evidence,
            "created_at": review.created_at.isoformat(),
        }
        for review in reviews
    ]


def item_record(item: Item, visibility: ReviewsShownTo) -> dict[str, Any]:
    """One item as a plain dict: the JSON Lines record, and the source of a CSV row; the status
    and resolution as the reader is shown them (blind mode)."""
    article = item.revision.article
    record = {
        "id": item.pk,
        "kind": item.kind,
        "article": article.pk,
        "article_title": article.title,
        "article_url": article.source_url,
        "revision": item.revision_id,
        "start": item.start,
        "end": item.end,
        "text": item.text,
        "speaker": item.speaker,
        "status": item.status,
        "resolution_status": item.resolution_status,
        "resolution_note": item.resolution_note,
        "score": item.score,
        "origin": item.origin,
        "dismissed": item.dismissed,
        "orphaned": item.orphaned,
        "needs_rereview": item.needs_rereview,
        "facets": item.facets,
        "reviews": _review_dicts(item, visibility),
        "created_at": item.created_at.isoformat(),
        "status_changed_at": item.status_changed_at.isoformat() if item.status_changed_at else None,
    }
    return verdict_fields_as_shown(record, shown=visibility.status_shown(item))


def _safe_cell(value: Any) -> Any:
    """``value`` with an apostrophe before each formula start: at its beginning, after a separator."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    if value.lstrip(' "').startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_row(record: dict[str, Any]) -> list[Any]:
    reviews = record["reviews"]
    flat = {
        **record,
        "reviews": len(reviews),
        "verdicts": "; ".join(f"{r['reviewer']}: {r['verdict']}" for r in reviews),
        "rationales": " | ".join(f"{r['reviewer']}: {r['rationale']}" for r in reviews if r["rationale"]),
        "evidence_urls": " ".join(e["url"] for r in reviews for e in r["evidence"] if e.get("url")),
    }
    return [_safe_cell(flat[column]) for column in CSV_COLUMNS]


def _records(items: QuerySet, visibility: ReviewsShownTo) -> Iterator[dict[str, Any]]:
    for item in items.iterator(chunk_size=CHUNK):
        yield item_record(item, visibility)


def export_csv(items: QuerySet, visibility: ReviewsShownTo) -> Iterator[str]:
    """The CSV text, a header line then one line per item, as it is produced."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in _records(items, visibility):
        writer.writerow(_csv_row(record))
        # Hand out what was written and reuse the buffer, so memory stays at one row.
        if buffer.tell() > 32 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_jsonl(items: QuerySet, visibility: ReviewsShownTo) -> Iterator[str]:
    """One JSON object per line and per item, reviews and evidence nested."""
    for record in _records(items, visibility):
        yield json.dumps(record, ensure_ascii=False) + "\n"
