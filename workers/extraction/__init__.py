"""The extraction engine: text in, spans out.

Plain Python with no Django imports, so it can be benchmarked, scored and reused on its own.
Public entry points:

- ``extract(text)`` -> ``Extraction`` (claims and quotes anchored to offsets in ``text``)
- ``clean_text(raw)`` -> the body text with page junk (ad slots, tag lists, navigation,
  photo credits) removed; offsets of stored items always refer to the cleaned text
- ``EXTRACTOR_VERSION``: changes whenever the rules or the model change
"""

from workers.extraction.cleaning import clean_text
from workers.extraction.engine import EXTRACTOR_VERSION, extract
from workers.extraction.types import ClaimSpan, Extraction, QuoteSpan

__all__ = ["EXTRACTOR_VERSION", "ClaimSpan", "Extraction", "QuoteSpan", "clean_text", "extract"]
