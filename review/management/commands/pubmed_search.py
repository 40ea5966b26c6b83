"""``pubmed_search``: run a PubMed search through Entrez, log it as a source, import every hit."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from review.importers.entrez import EntrezError
from review.imports.entrez_import import entrez_batch_run, pubmed_batch_create
from review.models import ImportBatch, ImportStatus, Review


class Command(BaseCommand):
    help = "Search PubMed (NCBI E-utilities), log the search as a source of the review and import the hits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--review", required=True, help="slug of the review")
        parser.add_argument("--query", help="the PubMed query")
        parser.add_argument("--max", type=int, default=None, help="import at most N records")
        parser.add_argument("--source", default="PubMed", help="name of the search (made unique)")
        parser.add_argument("--resume", type=int, metavar="BATCH", help="resume a PubMed import that failed")

    def handle(self, *args: Any, **options: Any) -> None:
        review = Review.objects.filter(slug=options["review"]).first()
        if review is None:
            raise CommandError(f"no review with the slug {options['review']!r}", returncode=2)
        if options["resume"]:
            batch = ImportBatch.objects.filter(pk=options["resume"], review=review, status=ImportStatus.FAILED).first()
            if batch is None:
                raise CommandError(f"no failed PubMed import {options['resume']} in this review", returncode=2)
        elif options["query"]:
            if options["max"] is not None and options["max"] < 1:
                raise CommandError("--max must be at least 1", returncode=2)
            batch = pubmed_batch_create(
                review=review,
                user=None,
                query=options["query"],
                source_name=options["source"],
                max_records=options["max"],
            )
        else:
            raise CommandError("give --query (or --resume BATCH)", returncode=2)
        try:
            batch = entrez_batch_run(batch_id=batch.pk, user=None, progress=self._progress())
        except EntrezError as exc:
            self.stderr.write("")
            raise CommandError(f"{exc} Records fetched so far are kept; resume with --resume {batch.pk}.") from exc
        self.stderr.write("")
        for note in batch.warnings:
            self.stderr.write(f"warning: {note['message']}")
        self.stdout.write(
            f"PubMed reported {batch.state.get('count', 0)} hits; imported {batch.records_imported} "
            f"records into “{batch.source.name}” (batch {batch.pk})."
        )

    def _progress(self) -> Any:
        interactive = sys.stderr.isatty()

        def report(done: int, total: int, message: str) -> None:
            self.stderr.write(("\r" if interactive else "") + message, ending="" if interactive else "\n")

        return report
