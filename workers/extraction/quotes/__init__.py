"""Direct quotes in news text, with the speaker and the cue that attributes them (see ``cascade``)."""

from workers.extraction.quotes.cascade import extract_quotes

__all__ = ["extract_quotes"]
