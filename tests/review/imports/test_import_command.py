"""The import_records command: imports, dry-run JSON, exit status 2 for unreadable files."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from review.models import ImportBatch, Record
from tests.conftest import REPO
from tests.review.imports.helpers import RIS_TWO, fixture_path

KEYS = {
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "keywords",
    "language",
    "publication_types",
    "source_database",
    "accession",
}


def test_it_imports_a_file_into_a_new_source(cast):
    """--review/--source: the source is created, the records imported, a summary printed."""
    out, err = StringIO(), StringIO()
    call_command(
        "import_records",
        str(fixture_path("scopus-ris/synthesisr_Scopus_ris_example.ris")),
        review=cast.review.slug,
        source="Scopus",
        stdout=out,
        stderr=err,
    )
    assert "Imported 3 records into “Scopus”" in out.getvalue()
    assert Record.objects.filter(review=cast.review, batch__source__name="Scopus").count() == 3


def test_an_unreadable_file_exits_2_with_file_line_and_reason_and_imports_nothing(cast, tmp_path):
    """Malformed PubMed XML: CommandError with status 2 and one line naming the file and line."""
    bad = tmp_path / "broken.xml"
    bad.write_bytes(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation>\n<PMID>1</PMID>\n')
    with pytest.raises(CommandError) as info:
        call_command("import_records", str(bad), format="pubmed-xml", review=cast.review.slug, source="PubMed")
    assert info.value.returncode == 2
    message = str(info.value)
    assert "broken.xml" in message and "line" in message and "\n" not in message
    assert ImportBatch.objects.count() == 0
    assert not cast.review.sources.filter(name="PubMed").exists()


def test_review_and_source_are_required_without_dry_run(tmp_path):
    """Importing for real needs --review and --source."""
    path = tmp_path / "a.ris"
    path.write_text(RIS_TWO)
    with pytest.raises(CommandError, match="--review and --source"):
        call_command("import_records", str(path))


def test_an_empty_record_is_skipped_with_a_warning_on_stderr(db, tmp_path):
    """A record with nothing identifying is skipped and named on stderr; the others are printed."""
    path = tmp_path / "a.ris"
    path.write_text(RIS_TWO + "\nTY  - JOUR\nPY  - 1999\nER  - \n")
    out, err = StringIO(), StringIO()
    call_command("import_records", str(path), dry_run=True, json=True, stdout=out, stderr=err)
    assert len(out.getvalue().splitlines()) == 2
    assert "skipped" in err.getvalue()


def test_dry_run_json_prints_one_object_per_record_in_a_subprocess(tmp_path):
    """The real command line: one JSON object per line with the contract's keys, nothing imported."""
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    path = fixture_path("pubmed-medline/synthesisr_PubMed_example.txt")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_records", str(path), "--dry-run", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(objects) == 3
    assert set(objects[0]) >= KEYS
    assert all(o["pmid"] for o in objects)
    assert not (tmp_path / "var" / "db.sqlite3").exists()  # a dry run touches no database


def test_a_bad_format_name_is_refused_by_the_parser(tmp_path):
    """--format outside the list: argparse names the accepted choices."""
    path = tmp_path / "a.ris"
    path.write_text(RIS_TWO)
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_records", str(path), "--format", "endnote9", "--dry-run")
