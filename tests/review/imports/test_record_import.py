"""record_import: parse, then all records in one transaction; limits and bad input refused whole."""

import pytest

from review.importers.base import ImportFormatError
from review.imports.services import ImportRefused, record_import
from review.models import AuditEvent, ImportBatch, ImportStatus, Record
from tests.review.imports.helpers import RIS_TWO, fixture, source_for


def _counts():
    return Record.objects.count(), ImportBatch.objects.count()


def test_it_imports_every_record_with_its_raw_text(cast):
    """A real Scopus RIS export: 3 records, normalised, raw kept, batch done and audited."""
    source = source_for(cast.review, "Scopus")
    batch = record_import(
        source=source,
        user=cast.lead,
        data=fixture("scopus-ris/synthesisr_Scopus_ris_example.ris"),
        filename="scopus.ris",
    )
    assert batch.status == ImportStatus.DONE
    assert batch.format == "ris"
    assert batch.records_imported == 3
    records = list(batch.records.order_by("position"))
    assert [r.position for r in records] == [0, 1, 2]
    assert all(r.title and r.raw.startswith("TY  -") for r in records)
    assert len({r.uuid for r in records}) == 3 and records[0].uuid.version == 4
    assert Record.objects.get(uuid=records[1].uuid) == records[1]
    assert batch.original.read().startswith(b"TY  -") or batch.original.size > 0
    assert AuditEvent.objects.filter(action="import.file", object_id=str(batch.pk)).exists()


def test_a_file_with_a_misleading_extension_is_read_by_its_content(cast):
    """PubMed's MEDLINE text saved as .ris imports as MEDLINE, with PMIDs."""
    batch = record_import(
        source=source_for(cast.review),
        user=cast.lead,
        data=fixture("pubmed-ris/cff_baseline_pubmed_nbib_truncated.ris"),
        filename="pubmed.ris",
    )
    assert batch.format == "medline"
    assert batch.records_imported == 25
    assert batch.records.exclude(pmid="").count() == 25


def test_a_failure_while_writing_leaves_the_review_as_it_was(cast):
    """A progress callback that raises mid-way (after the first chunk was written) rolls everything back."""
    source = source_for(cast.review)
    before = _counts()
    data = "".join(RIS_TWO.replace("abc1", f"x{i}a").replace("abc2", f"x{i}b") for i in range(1_500)).encode()
    calls = []

    def progress(done, total, message):
        calls.append(done)
        if done >= 2_000:
            raise RuntimeError("the worker was stopped")

    with pytest.raises(RuntimeError):
        record_import(source=source, user=cast.lead, data=data, filename="big.ris", progress=progress)
    assert 2_000 in calls
    assert _counts() == before


def test_a_database_error_on_one_record_leaves_nothing_behind(cast, monkeypatch):
    """If the database refuses a row (here: forced), no record and no batch of the import remain."""
    from django.db import IntegrityError

    from review.imports import writing

    original = writing._Inserter._uuids

    def broken(self, count):
        uuids = original(self, count)
        return [uuids[0]] * count  # the same UUID twice: the unique index refuses the second row

    monkeypatch.setattr(writing._Inserter, "_uuids", broken)
    before = _counts()
    with pytest.raises(IntegrityError):
        record_import(source=source_for(cast.review), user=cast.lead, data=RIS_TWO.encode(), filename="a.ris")
    assert _counts() == before


def test_an_empty_file_is_refused(cast):
    """An empty (or blank) file is an error, and nothing is imported."""
    with pytest.raises(ImportRefused, match="empty"):
        record_import(source=source_for(cast.review), user=cast.lead, data=b"  \n", filename="empty.ris")
    assert ImportBatch.objects.count() == 0


def test_the_file_size_limit_is_enforced_with_a_clear_message(cast, settings):
    """A file over IMPORT_MAX_FILE_BYTES is refused, naming the size and the limit."""
    settings.IMPORT_MAX_FILE_BYTES = 100
    with pytest.raises(ImportRefused, match=r"the limit is 100 bytes \(IMPORT_MAX_FILE_BYTES\)"):
        record_import(source=source_for(cast.review), user=cast.lead, data=RIS_TWO.encode(), filename="a.ris")


def test_the_record_limit_is_enforced_with_a_clear_message(cast, settings):
    """More records than IMPORT_MAX_RECORDS: refused whole, naming the count and the limit."""
    settings.IMPORT_MAX_RECORDS = 1
    with pytest.raises(ImportRefused, match=r"holds 2 records; the limit is 1"):
        record_import(source=source_for(cast.review), user=cast.lead, data=RIS_TWO.encode(), filename="a.ris")
    assert Record.objects.count() == 0


def test_an_unknown_format_names_the_accepted_formats(cast):
    """--format nonsense: the error lists what is accepted."""
    with pytest.raises(ImportFormatError, match="ris") as info:
        record_import(
            source=source_for(cast.review), user=cast.lead, data=RIS_TWO.encode(), filename="a.ris", format="nonsense"
        )
    assert "pubmed-xml" in str(info.value)


def test_an_xml_entity_attack_is_refused(cast):
    """A PubMed XML file declaring entities (billion laughs) is refused whole, nothing imported."""
    evil = (
        b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
        b"<PMID>1</PMID><Article><ArticleTitle>&b;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        b"</PubmedArticleSet>"
    )
    with pytest.raises(ImportFormatError):
        record_import(source=source_for(cast.review), user=cast.lead, data=evil, filename="evil.xml")
    assert Record.objects.count() == 0


def test_an_overlong_value_is_cut_to_its_column_with_a_warning(cast):
    """A page range longer than its column is cut (PostgreSQL would refuse it), and the batch says so."""
    data = RIS_TWO.replace("PY  - 2000", "PY  - 2000\nSP  - " + "9" * 100).encode()
    batch = record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="a.ris")
    assert len(batch.records.get(doi="10.1000/abc1").pages) <= 60
    assert any("pages longer than 60" in n["message"] for n in batch.warnings)
