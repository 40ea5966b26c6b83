"""``manage.py metaanalyze CASES.json [--out RESULTS.json]``: the case-file runner of ``analysis.stats``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.stats.cases import run_file


class Command(BaseCommand):
    help = (
        "Run meta-analysis cases (schema of shared/reference/meta_cases.json) and write "
        '{"results": [...]}; exit status 2 if any case failed.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cases", help="case file (schema_version 2)")
        parser.add_argument("--out", help="write the results here instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        status = run_file(options["cases"], options["out"], self.stdout, self.stderr)
        if status:
            raise CommandError("one or more cases could not be run (see the messages above)", returncode=status)
