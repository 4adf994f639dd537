"""``manage.py match``: run the claim matcher on JSON lines against a fact-checks file, without the database.

``match --jsonl --against FACTS.jsonl`` reads fact-checks ``{"id", "claim", "title"?, "rating"?,
"url"?}`` from the file, then ``{"id", "text"}`` per line on stdin, and writes
``{"id", "matches": [{"id", "score"}, ...], "version"}`` per line on stdout, best first.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workers.encoder import EncoderUnavailable
from workers.matching.cli import run_jsonl


class Command(BaseCommand):
    help = "Match claims (JSON lines on stdin) against fact-checks (a JSON-lines file); JSON lines out."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--jsonl", action="store_true", help="Read JSON lines on stdin, write JSON lines.")
        parser.add_argument("--against", metavar="FACTS.jsonl", help="The fact-checks to match against.")
        parser.add_argument("--limit", type=int, default=10, help="Most matches per claim (default 10).")

    def handle(self, *args, jsonl: bool, against: str | None, limit: int, **options) -> None:
        if not jsonl or not against:
            raise CommandError("Give --jsonl and --against FACTS.jsonl: claims are read as JSON lines on stdin.")
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        started = time.perf_counter()
        try:
            written = run_jsonl(Path(against), sys.stdin, sys.stdout, limit=limit)
        except (ValueError, EncoderUnavailable) as exc:
            message = str(exc)
            raise CommandError(message[:1].upper() + message[1:]) from exc
        if options.get("verbosity", 1) > 1:
            self.stderr.write(f"matched {written} claims in {time.perf_counter() - started:.1f} s")
