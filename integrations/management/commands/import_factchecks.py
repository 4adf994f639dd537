"""``manage.py import_factchecks PATH|- --as USER``: earlier fact-checks into the matching library."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.management.editors import command_editor
from integrations.services.factcheck_import import (
    FORMATS,
    InputError,
    factchecks_import,
    records_from_path,
    records_from_stream,
)


class Command(BaseCommand):
    help = (
        "Import fact-checks (ClaimReview JSON-LD: one review, a page's @graph, a DataFeed or a list; CSV; "
        "JSON Lines) from a file or standard input (-). A review imported before (same URL or id) is a duplicate."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A file, or - for standard input.")
        parser.add_argument("--as", dest="username", required=True, help="The editor the fact-checks are added by.")
        parser.add_argument(
            "--format", choices=FORMATS, default=None,
            help="Input format (default: from the suffix: .json/.jsonld, .jsonl/.ndjson, .csv; jsonl for stdin).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it goes to stderr).")

    def handle(self, *args, path: str, username: str, format: str | None, no_progress: bool, **options) -> None:
        user = command_editor(username, only_editors="only editors add to the fact-check library")
        if path == "-":
            records = records_from_stream(sys.stdin.buffer, fmt=format or "jsonl", origin="<stdin>")
        else:
            source = Path(path)
            if not source.is_file():
                raise CommandError(f"{path} is not a file.")
            try:
                records = records_from_path(source, fmt=format)
            except InputError as exc:
                raise CommandError(str(exc)) from exc

        started = time.monotonic()
        with tqdm(unit="review", disable=no_progress, file=sys.stderr, desc="Importing") as progress:

            def advance(summary) -> None:
                progress.update(1)
                if progress.n % 500 == 0:
                    progress.set_postfix(
                        imported=summary.imported, duplicates=summary.duplicates, failed=summary.failed
                    )

            summary = factchecks_import(records, imported_by=user, progress=advance)
        seconds = time.monotonic() - started

        for origin, reason in summary.failures:
            self.stderr.write(f"failed: {origin}: {reason}")
        if summary.fatal:
            raise CommandError(f"Nothing was imported: {summary.fatal}", returncode=2)
        read = summary.imported + summary.duplicates + summary.failed
        self.stdout.write(
            f"imported: {summary.imported}, duplicates: {summary.duplicates}, failed: {summary.failed} "
            f"({read} records in {seconds:.1f} s, {read / max(seconds, 1e-9):.0f} records/s)"
        )
        if summary.failed:
            raise CommandError(f"{summary.failed} record(s) could not be imported (listed above).", returncode=1)
