"""``import_records FILE``: import a bibliographic export into a source of a review, or show it as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from review.importers import FORMATS
from review.importers.base import ImportFormatError, ParseResult
from review.imports import streaming
from review.imports.editing import source_create
from review.imports.services import ImportRefused, check_format, check_size, record_import
from review.models import Review

FORMAT_CHOICES = ["auto", *FORMATS]
PROGRESS_EVERY = 0.5  # seconds between progress lines


class Command(BaseCommand):
    help = "Import a search export into a source of a review (or, with --dry-run --json, print its records)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", default="auto", choices=FORMAT_CHOICES)
        parser.add_argument("--encoding", default="auto", help="auto, or a codec name such as utf-8, gb18030")
        parser.add_argument("--mapping", help="JSON file {field: column} for a generic CSV/Excel table")
        parser.add_argument("--review", help="slug of the review")
        parser.add_argument("--source", help="name of the search; created (as a database search) if new")
        parser.add_argument("--dry-run", action="store_true", help="import nothing")
        parser.add_argument("--json", action="store_true", help="with --dry-run: one JSON object per record")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})", returncode=2) from exc
        mapping = self._mapping(options["mapping"])
        fields = {
            "data": data,
            "filename": str(path),
            "format": options["format"],
            "encoding": options["encoding"],
            "mapping": mapping,
        }
        try:
            if options["dry_run"]:
                self._dry_run(fields, as_json=options["json"])
            else:
                self._import(fields, options)
        except (ImportFormatError, ImportRefused) as exc:
            raise CommandError(str(exc).replace("\n", " "), returncode=2) from exc

    def _mapping(self, name: str | None) -> dict[str, str] | None:
        if not name:
            return None
        try:
            mapping = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{name}: not a readable JSON mapping ({exc})", returncode=2) from exc
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise CommandError(f'{name}: the mapping must be a JSON object {{"field": "column"}}', returncode=2)
        return mapping

    def _report(self, result: ParseResult, filename: str) -> None:
        for message in result.skipped:
            self.stderr.write(f"{filename}: skipped {message}")
        for message in result.warnings:
            self.stderr.write(f"{filename}: warning: {message}")

    def _dry_run(self, fields: dict[str, Any], *, as_json: bool) -> None:
        """Parse piece by piece (memory stays flat on big files) and print the records or a count."""
        from review.importers import to_json_lines

        data, filename = fields["data"], fields["filename"]
        check_size(data, filename)
        check_format(fields["format"], filename)
        parts = streaming.plan(data, filename=filename, format=fields["format"], encoding=fields["encoding"])
        count = skipped = 0
        for part in parts:
            result = streaming.parse_piece(part, filename=filename, mapping=fields["mapping"])
            self._report(result, filename)
            if as_json:
                for line in to_json_lines(result.records):
                    self.stdout.write(line)
            count, skipped = count + len(result.records), skipped + len(result.skipped)
        if not count:
            raise ImportRefused(f"{filename} holds no record with a title, DOI or PMID ({skipped} empty records).")
        if not as_json:
            self.stdout.write(
                f"{count} records ({result.format}, {result.encoding}); {skipped} skipped; nothing imported (dry run)"
            )

    def _import(self, fields: dict[str, Any], options: dict[str, Any]) -> None:
        if not options["review"] or not options["source"]:
            raise CommandError("--review and --source are required unless --dry-run", returncode=2)
        review = Review.objects.filter(slug=options["review"]).first()
        if review is None:
            raise CommandError(f"no review with the slug {options['review']!r}", returncode=2)
        # The source is created with the import, in one transaction: a failed import leaves no trace.
        with transaction.atomic():
            source = review.sources.filter(name=options["source"]).first()
            if source is None:
                source = source_create(review=review, user=None, name=options["source"])
            batch = record_import(source=source, user=None, progress=self._progress(), **fields)
        self.stderr.write("")
        for note in batch.warnings:
            prefix = "skipped " if note["kind"] == "skipped" else "warning: "
            self.stderr.write(f"{batch.filename}: {prefix}{note['message']}")
        self.stdout.write(
            f"Imported {batch.records_imported} records into “{source.name}” "
            f"({batch.format}, {batch.encoding}); {batch.records_skipped} skipped; batch {batch.pk}."
        )

    def _progress(self) -> Any:
        last = [0.0]
        interactive = sys.stderr.isatty()

        def report(done: int, total: int, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or (total and done == total):
                last[0] = now
                self.stderr.write(("\r" if interactive else "") + message, ending="" if interactive else "\n")

        return report
