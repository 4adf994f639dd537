"""The JSON form of an extraction, as ``manage.py extract --jsonl`` writes it per line."""

from __future__ import annotations

from dataclasses import asdict

from workers.extraction.types import Extraction


def extraction_to_json(extraction: Extraction) -> dict:
    """``{"claims": [...], "quotes": [...], "version": ...}`` with every field of every span."""
    return {
        "claims": [asdict(claim) for claim in extraction.claims],
        "quotes": [asdict(quote) for quote in extraction.quotes],
        "version": extraction.version,
    }
