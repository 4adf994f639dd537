"""How an extraction attempt failed: the task retries a transient error and records a permanent one."""

from __future__ import annotations


class PermanentExtractionError(Exception):
    """Extraction cannot succeed by trying again (a page with no text, a 404 URL ...)."""


class TransientExtractionError(Exception):
    """Extraction may succeed later (a network hiccup, a 503 from the source site ...)."""
