"""Time the engine per claims mode: model load, per-article extraction, peak RSS of the process.

    python training/claims/bench.py --mode encoder ../shared/datasets/polnear/dev/text
    python training/claims/bench.py --mode fast ../shared/datasets/polnear/dev/text

Run once per mode (each in its own process, so the RSS is that mode's). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workers.extraction import extract, get_scorer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("encoder", "fast"), required=True)
    parser.add_argument("folder", type=Path, help="folder of .txt articles")
    args = parser.parse_args()
    texts = [path.read_text(encoding="utf-8") for path in sorted(args.folder.iterdir()) if path.is_file()]
    started = time.perf_counter()
    scorer = get_scorer(args.mode)
    load_s = time.perf_counter() - started
    times = []
    claims = 0
    for text in texts:
        started = time.perf_counter()
        claims += len(extract(text, mode=args.mode).claims)
        times.append(time.perf_counter() - started)
    words = sum(len(text.split()) for text in texts)
    print(
        json.dumps(
            {
                "mode": args.mode,
                "version": scorer.version,
                "articles": len(texts),
                "words": words,
                "claims": claims,
                "load_s": round(load_s, 3),
                "total_s": round(sum(times), 3),
                "median_article_ms": round(1000 * statistics.median(times), 1),
                "max_article_ms": round(1000 * max(times), 1),
                "words_per_s": round(words / sum(times)),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
