"""The extraction engine: check-worthy claims and direct quotes of a text, anchored to offsets.

``extract(text)`` splits the text into sentences (``segmentation``), leaves out the headline when
given the title (``extract(text, headline=title)``), scores each with the
claim scorer of the mode (``scoring``: the encoder head by default, the sparse model alone in
``fast`` mode), keeps those at or over the threshold as claims with their facets (``facets``),
and finds direct quotes with their speakers (``quotes``). No Django, no download at run time.
"""

from __future__ import annotations

from workers.extraction.facets import claim_facets
from workers.extraction.headline import headline_end
from workers.extraction.names import NameIndex
from workers.extraction.quotes import extract_quotes
from workers.extraction.scoring import RULES_VERSION, get_scorer
from workers.extraction.segmentation import split_sentences
from workers.extraction.types import ClaimSpan, Extraction

__all__ = ["RULES_VERSION", "extract", "extractor_version"]
# Shorter sentences ("Thank you.", "Yes.") carry nothing to check.
_MIN_CLAIM_WORDS = 4
# The encoder scores a few hundred sentences a second on one core: past this many candidate
# sentences (a book-length paste, a data dump) a text is scored in the fast mode, so that its job
# ends well inside the task's time limit. The stored version says so: it is the fast mode's.
ENCODER_MAX_SENTENCES = 3_000


def extractor_version(mode: str | None = None) -> str:
    """The version stored with every claim of ``mode`` (rules, mode and model digests)."""
    return get_scorer(mode).version


def extract(
    text: str, *, claim_threshold: float | None = None, mode: str | None = None, headline: str = ""
) -> Extraction:
    """Claims and quotes of ``text``; every span satisfies ``text[span.start:span.end] == span.text``.

    ``claim_threshold`` is the lowest check-worthiness (0..1) of a returned claim; by default the
    threshold chosen on the training data, stored with the model. ``mode`` is ``"encoder"`` or
    ``"fast"`` (default: ``$CLAIMS_MODE``, else ``"encoder"``; see ``scoring``); a text of more
    than ``ENCODER_MAX_SENTENCES`` candidate sentences is scored in the fast mode.

    ``headline`` is the article's title: when the text's first line is that title, does not end
    like a sentence and has text after it, the line is the headline and none of its sentences is
    a claim (it frames the story; the body states its facts). Labelled by hand against the claims
    rubric, none of the 34 headlines among the project's news sentences is a claim
    (``training/claims``, BENCHMARKS.md).
    """
    scorer = get_scorer(mode)
    names = NameIndex(text)
    headline_line_end = headline_end(text, headline)
    candidates = [
        sentence
        for sentence in split_sentences(text)
        if not sentence.junk
        and sentence.start >= headline_line_end
        and len(text[sentence.start : sentence.end].split()) >= _MIN_CLAIM_WORDS
    ]
    if scorer.mode == "encoder" and len(candidates) > ENCODER_MAX_SENTENCES:
        scorer = get_scorer("fast")
    threshold = scorer.threshold if claim_threshold is None else claim_threshold
    scores = scorer.score_many([text[sentence.start : sentence.end] for sentence in candidates])
    claims: list[ClaimSpan] = []
    for sentence, score in zip(candidates, scores, strict=True):
        sentence_text = text[sentence.start : sentence.end]
        if score >= threshold:
            claims.append(ClaimSpan(
                start=sentence.start, end=sentence.end, text=sentence_text, score=round(score, 4),
                facets=claim_facets(sentence_text, names, sentence.start),
            ))
    quotes = extract_quotes(text, names)
    return Extraction(claims=claims, quotes=quotes, version=scorer.version)


def __getattr__(name: str) -> str:
    # EXTRACTOR_VERSION names the default mode's models, so it is read (and the models checked)
    # on first use rather than at import: importing the engine loads no model.
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
