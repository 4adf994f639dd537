"""``manage.py import_articles PATH|- --as EDITOR``: ingest .txt, .html, .jsonl and .csv files in bulk."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.management.editors import command_editor
from integrations.services.imports import (
    FORMATS,
    ImportSummary,
    articles_import_record,
    records_from_path,
    records_from_stream,
    text_stream,
)


class Command(BaseCommand):
    help = (
        "Import articles from a file, every .txt/.html/.jsonl/.csv file under a folder, or standard input (-). "
        "Content imported before is counted as a duplicate, never stored twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="A file, a folder, or - for standard input.")
        parser.add_argument("--as", dest="username", required=True, help="The editor the articles are added by.")
        parser.add_argument(
            "--format", choices=FORMATS, default=None,
            help="Format of every input (default: from each file's suffix; jsonl for standard input).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it goes to stderr).")

    def handle(self, *args, path: str, username: str, format: str | None, no_progress: bool, **options) -> None:
        user = command_editor(username, only_editors="only editors ingest articles")
        if path == "-":
            records = records_from_stream(text_stream(sys.stdin.buffer), fmt=format or "jsonl", origin="<stdin>")
        else:
            source = Path(path)
            if not source.exists():
                raise CommandError(f"{path} does not exist.")
            records = records_from_path(source, fmt=format)

        summary = ImportSummary()
        with tqdm(records, unit="article", disable=no_progress, file=sys.stderr, desc="Importing") as progress:
            for record in progress:
                articles_import_record(record=record, added_by=user, summary=summary)
                progress.set_postfix(imported=summary.imported, duplicates=summary.duplicates, failed=summary.failed)

        for origin, reason in summary.failures:
            self.stderr.write(f"failed: {origin}: {reason}")
        self.stdout.write(f"imported: {summary.imported}, duplicates: {summary.duplicates}, failed: {summary.failed}")
        if summary.failed:
            raise CommandError(f"{summary.failed} record(s) could not be imported (listed above).", returncode=1)
