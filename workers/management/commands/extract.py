"""``manage.py extract``: run the extraction engine on files or on JSON lines, without the database.

- ``extract --jsonl`` reads ``{"id", "text"}`` or ``{"id", "html"}`` (``"title"`` optional) per line on stdin and
  writes ``{"id", "claims": [...], "quotes": [...]}`` per line on stdout, offsets into the given
  text (for ``html``, into the page's main text, which is returned as ``"text"``).
- ``extract FILE...`` prints a readable table of each file's claims and quotes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workers.extraction import MODES, clean_text, extract
from workers.extraction.cli import run_jsonl
from workers.extraction.headline import headline_and_byline
from workers.extraction.html import document_from_html


class Command(BaseCommand):
    help = "Extract claims and quotes from text: JSON lines on stdin/stdout, or a table per file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", help="Text or HTML files to extract from (a table each).")
        parser.add_argument("--jsonl", action="store_true", help="Read JSON lines on stdin, write JSON lines.")
        parser.add_argument("--threshold", type=float, default=None, help="Lowest check-worthiness of a claim.")
        parser.add_argument("--mode", choices=MODES, default=None, help="Claims mode (default: CLAIMS_MODE setting).")
        parser.add_argument(
            "--clean", action="store_true",
            help="Remove page junk from files first and take the headline as the title, as ingestion does.",
        )

    def handle(
        self, *args, files: list[str], jsonl: bool, threshold: float | None, clean: bool, mode: str | None, **options
    ) -> None:
        engine_options: dict = {"mode": mode or settings.CLAIMS_MODE}
        if threshold is not None:
            engine_options["claim_threshold"] = threshold
        if jsonl:
            self._jsonl(engine_options)
        elif files:
            for name in files:
                self._table(Path(name), engine_options, clean)
        else:
            raise CommandError("Give files to extract from, or --jsonl to read JSON lines on stdin.")

    def _jsonl(self, engine_options: dict) -> None:
        try:
            threshold = engine_options.get("claim_threshold")
            run_jsonl(sys.stdin, sys.stdout, claim_threshold=threshold, mode=engine_options["mode"])
        except ValueError as exc:
            raise CommandError(str(exc)[:1].upper() + str(exc)[1:]) from exc

    def _table(self, path: Path, engine_options: dict, clean: bool) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        headline = ""  # the title, as ingestion stores it: its line is never a claim
        if path.suffix.lower() in (".html", ".htm"):
            page = document_from_html(raw)
            text, headline = clean_text(page.text), page.title
        else:
            text = raw.decode("utf-8", "replace")
            if clean:
                text = clean_text(text)
                headline = headline_and_byline(text)[0]
        result = extract(text, headline=headline, **engine_options)
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING(f"{path}  ({len(result.claims)} claims, {len(result.quotes)} quotes)"))
        write("  score  span          claim")
        for claim in result.claims:
            write(f"  {claim.score:5.2f}  {claim.start:>5}-{claim.end:<6}  {_one_line(claim.text)}")
        write("  speaker                    cue           span          quote")
        for quote in result.quotes:
            write(
                f"  {quote.speaker[:26]:<26} {quote.cue[:12]:<12}  {quote.start:>5}-{quote.end:<6}  "
                f"{_one_line(quote.text)}"
            )
        write(f"  extractor {result.version}")


def _one_line(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
