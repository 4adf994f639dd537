"""The extraction engine: check-worthy claims and direct quotes of a text, anchored to offsets.

``extract(text)`` splits the text into sentences (``segmentation``), scores each with the
shipped check-worthiness model (``checkworthiness``), keeps those at or over the threshold as
claims with their facets (``facets``), and finds direct quotes with their speakers (``quotes``).
Pure Python: no Django, no numerical library, no download at run time.
"""

from __future__ import annotations

from workers.extraction.checkworthiness import load_model
from workers.extraction.facets import claim_facets
from workers.extraction.names import NameIndex
from workers.extraction.quotes import extract_quotes
from workers.extraction.segmentation import split_sentences
from workers.extraction.types import ClaimSpan, Extraction

# Bump when segmentation, quote or facet rules change; the model part follows the model file.
RULES_VERSION = 8
_MODEL = load_model()
EXTRACTOR_VERSION = f"rules-{RULES_VERSION}+model-{_MODEL.digest[:12]}"
DEFAULT_CLAIM_THRESHOLD = _MODEL.threshold
# Shorter sentences ("Thank you.", "Yes.") carry nothing to check.
_MIN_CLAIM_WORDS = 4


def extract(text: str, *, claim_threshold: float | None = None) -> Extraction:
    """Claims and quotes of ``text``; every span satisfies ``text[span.start:span.end] == span.text``.

    ``claim_threshold`` is the lowest check-worthiness (0..1) of a returned claim; by default the
    threshold tuned on the training data, stored with the model.
    """
    threshold = DEFAULT_CLAIM_THRESHOLD if claim_threshold is None else claim_threshold
    names = NameIndex(text)
    claims: list[ClaimSpan] = []
    for sentence in split_sentences(text):
        if sentence.junk:
            continue
        sentence_text = text[sentence.start : sentence.end]
        if len(sentence_text.split()) < _MIN_CLAIM_WORDS:
            continue
        score = _MODEL.score(sentence_text)
        if score >= threshold:
            claims.append(ClaimSpan(
                start=sentence.start, end=sentence.end, text=sentence_text, score=round(score, 4),
                facets=claim_facets(sentence_text, names, sentence.start),
            ))
    quotes = extract_quotes(text, names)
    return Extraction(claims=claims, quotes=quotes, version=EXTRACTOR_VERSION)
