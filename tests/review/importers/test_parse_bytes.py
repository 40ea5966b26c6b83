"""The entry point's contract: formats listed, empty files refused, empty records skipped, warnings by line."""

from __future__ import annotations

import pytest

from review.importers import FORMATS, ImportFormatError, parse_bytes

CLI_FORMATS = [
    "ris",
    "medline",
    "pubmed-xml",
    "wos-tagged",
    "wos-tab",
    "scopus-csv",
    "endnote-xml",
    "enw",
    "bibtex",
    "csl-json",
    "noteexpress",
    "refworks",
    "cnki-estudy",
    "csv",
]


def test_formats_are_exactly_the_command_line_keys():
    """FORMATS has the keys import_records --format accepts (besides auto)."""
    assert list(FORMATS) == CLI_FORMATS


def test_unknown_format_error_lists_the_accepted_formats():
    """An unknown key is refused, naming every accepted one."""
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(b"TY  - JOUR\nER  - \n", format="endnote")
    assert "unknown format 'endnote'" in caught.value.reason
    assert all(key in caught.value.reason for key in ["auto", *CLI_FORMATS])


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t", b"\xef\xbb\xbf\n", "\n \n".encode("utf-16")])
def test_empty_file_is_an_error(content):
    """An empty or whitespace-only file (with or without a BOM) is an ImportFormatError, not an empty success."""
    with pytest.raises(ImportFormatError, match="empty"):
        parse_bytes(content, filename="empty.ris")


def test_empty_record_is_skipped_with_its_line():
    """A record with nothing identifying it is skipped, the skip naming its line."""
    text = b"TY  - JOUR\nTI  - Kept\nER  - \n\nTY  - JOUR\nPY  - 2020\nER  - \n"
    result = parse_bytes(text)
    assert [r.title for r in result.records] == ["Kept"]
    assert result.skipped == ["line 5: empty record skipped (no title, DOI or PMID)"]


def test_identifiable_record_with_a_problem_is_kept_with_a_warning():
    """No title but a DOI: kept; warnings name the line in the result and sit on the record."""
    text = b"TY  - JOUR\nTI  - Fine\nER  - \n\nTY  - JOUR\nDO  - 10.1/abc\nPY  - sometime\nER  - \n"
    result = parse_bytes(text)
    second = result.records[1]
    assert second.doi == "10.1/abc"
    assert "record has no title" in second.warnings
    assert "line 5: record has no title" in result.warnings
    assert "line 5: no year in date 'sometime'" in result.warnings


def test_error_message_names_file_line_and_reason():
    """str(error) is the one line the command prints: file, line, reason."""
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(b"TY  - JOUR\nER  - \nAU  - x\n", filename="a.ris")
    assert str(caught.value) == "a.ris, line 3: RIS tag 'AU' outside a record (a record starts with TY)"


def test_forced_format_overrides_detection():
    """Choosing a format skips detection: RIS text forced as MEDLINE finds no MEDLINE record."""
    with pytest.raises(ImportFormatError):
        parse_bytes(b"TY  - JOUR\nTI  - x\nER  - \n", format="pubmed-xml")
    assert parse_bytes(b"TY  - JOUR\nTI  - x\nER  - \n", format="ris").format == "ris"


def test_dry_run_json_keys():
    """to_json carries the keys the import_records --dry-run --json contract promises."""
    record = parse_bytes(b"TY  - JOUR\nTI  - x\nER  - \n").records[0].to_json()
    for key in [
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
    ]:
        assert key in record
