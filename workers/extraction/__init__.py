"""The extraction engine: text in, spans out.

Plain Python with no Django imports, so it can be benchmarked, scored and reused on its own.
Public entry points:

- ``extract(text)`` -> ``Extraction`` (claims and quotes anchored to offsets in ``text``)
- ``clean_text(raw)`` -> the body text with page junk (ad slots, tag lists, navigation,
  photo credits) removed; offsets of stored items always refer to the cleaned text
- ``extractor_version(mode=None)`` / ``EXTRACTOR_VERSION`` (the default mode's): changes whenever
  the rules, the mode or a model changes
- ``get_scorer(mode=None)``: load and check a mode's claim models (``ClaimModelUnavailable``)
"""

from workers.extraction.claimhead import ClaimModelUnavailable
from workers.extraction.cleaning import clean_text
from workers.extraction.engine import extract, extractor_version
from workers.extraction.scoring import MODES, get_scorer
from workers.extraction.types import ClaimSpan, Extraction, QuoteSpan

__all__ = [
    "EXTRACTOR_VERSION",
    "MODES",
    "ClaimModelUnavailable",
    "ClaimSpan",
    "Extraction",
    "QuoteSpan",
    "clean_text",
    "extract",
    "extractor_version",
    "get_scorer",
]


def __getattr__(name: str) -> str:
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
