"""Throughput of the extraction engine against spaCy + textacy, side by side on the same texts.

    python -m benchmarks.extraction_throughput --texts ../shared/datasets/polnear/dev/text \
        [--spacy-model en_core_web_sm] [--rounds 3]

Runs in one process, one core: first ``workers.extraction.extract`` over every text (claims
and quotes), then, when spaCy and textacy can be imported and the model loaded, spaCy's
``en_core_web_sm`` pipeline plus ``textacy.extract.triples.direct_quotations`` over the same
texts (the baseline the engine is compared with). Prints words per second of each and the
ratio as the last line, a JSON object. spaCy and textacy are optional benchmark dependencies
only; without them the engine's figure alone is printed, with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from workers.extraction import extract


def load_texts(folder: Path) -> list[str]:
    """Every ``*.txt`` file of ``folder``, sorted by name."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {folder}: give --texts a folder of article texts")
    return texts


def words_per_second(run, texts: list[str], rounds: int) -> tuple[float, float]:
    """Best-of-``rounds`` words per second of ``run`` over all texts, and that round's seconds."""
    words = sum(len(text.split()) for text in texts)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - started)
    return words / best, best


def spacy_textacy_runner(model: str):
    """A callable running spaCy + textacy direct quotations, or the reason it cannot be had."""
    try:
        import spacy
        from textacy.extract.triples import direct_quotations
    except ImportError as exc:
        return None, f"spaCy/textacy not importable: {exc}"
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        return None, f"spaCy model {model!r} not loadable: {exc}"

    def run(text: str) -> list:
        document = nlp(text)
        try:
            return list(direct_quotations(document))
        except ValueError:  # textacy gives up on an unbalanced quotation mark
            return []

    return run, f"spaCy {spacy.__version__} {nlp.meta.get('name')} {nlp.meta.get('version')} + textacy"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, required=True, help="folder of article .txt files")
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="spaCy model name or path")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per system; the best one counts")
    args = parser.parse_args()

    texts = load_texts(args.texts)
    words = sum(len(text.split()) for text in texts)
    extract(texts[0])  # load the model before timing
    engine_wps, engine_seconds = words_per_second(extract, texts, args.rounds)
    figures: dict = {"texts": len(texts), "words": words, "engine_words_per_s": round(engine_wps),
                     "engine_seconds": round(engine_seconds, 3)}
    print(f"engine: {engine_wps:,.0f} words/s ({engine_seconds:.2f} s for {words:,} words)", file=sys.stderr)

    baseline, description = spacy_textacy_runner(args.spacy_model)
    figures["baseline"] = description
    if baseline is not None:
        baseline(texts[0])
        baseline_wps, baseline_seconds = words_per_second(baseline, texts, max(1, args.rounds - 2))
        figures.update(baseline_words_per_s=round(baseline_wps), baseline_seconds=round(baseline_seconds, 3),
                       speedup=round(engine_wps / baseline_wps, 1))
        print(f"{description}: {baseline_wps:,.0f} words/s", file=sys.stderr)
    else:
        print(f"baseline skipped: {description}", file=sys.stderr)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
