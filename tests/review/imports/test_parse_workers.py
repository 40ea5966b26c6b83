"""Large files parsed by several worker processes: the records, lines, cuts and errors of a whole parse."""

import pytest

from review.importers import parse_bytes
from review.importers.base import ImportFormatError
from review.imports import streaming
from review.imports.services import record_import
from review.models import Record
from tests.review.imports.eutils import pubmed_xml
from tests.review.imports.helpers import fixture, source_for

FIELDS = ["title", "abstract", "authors", "year", "journal", "volume", "pages", "doi", "pmid", "pmcid"]
FIELDS += ["keywords", "mesh_terms", "publication_types", "language", "accession", "source_database", "raw"]


@pytest.fixture
def three_workers(monkeypatch, settings):
    monkeypatch.setattr(streaming, "PIECE_BYTES", 4_000)
    settings.IMPORT_PARSE_WORKERS = 3


def test_pieces_dealt_to_three_workers_come_back_in_file_order_with_every_field(cast, three_workers):
    """Every field of every record, and its position, are those of a whole parse of the file."""
    data = pubmed_xml([str(30_000_000 + i) for i in range(14)])
    assert len(streaming.plan(data, filename="", format="auto", encoding="auto")) > 3
    batch = record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="big.xml")
    stored = list(Record.objects.filter(batch=batch).order_by("position").values("position", *FIELDS))
    whole = parse_bytes(data).records
    assert [row.pop("position") for row in stored] == list(range(len(whole)))
    assert stored == [{name: getattr(record, name) for name in FIELDS} for record in whole]
    assert batch.state["parse_worker_peak_mb"] > 0


def test_an_error_read_by_any_worker_names_the_line_of_the_whole_file(cast, three_workers):
    """XML cut off in its last piece: the import fails with the whole parse's line and imports nothing."""
    data = pubmed_xml([str(30_000_000 + i) for i in range(14)])
    data = data[: data.rfind(b"<Abstract>")]
    with pytest.raises(ImportFormatError) as whole:
        parse_bytes(data)
    with pytest.raises(ImportFormatError) as imported:
        record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="cut.xml")
    assert imported.value.line == whole.value.line
    assert Record.objects.count() == 0


def test_values_longer_than_their_column_are_cut_by_the_workers_with_a_warning(cast, three_workers):
    """A 70-character volume is stored cut to 60, and the batch warns about it with the record's line."""
    text = fixture("scopus-ris/synthesisr_Scopus_ris_example.ris").decode("utf-8").strip() + "\n\n"
    data = (text * 6).replace("VL  - ", "VL  - " + "9" * 70, 1).encode()
    batch = record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="long.ris")
    first = batch.records.order_by("position").first()
    assert len(first.volume) == 60
    assert any("volume longer than 60 characters, cut" in note["message"] for note in batch.warnings)
