"""Large files are parsed piece by piece: the same records, lines and errors as a whole-file parse."""

import pytest

from review.importers import parse_bytes
from review.importers.base import ImportFormatError
from review.imports import streaming
from review.imports.services import record_import
from tests.review.imports.eutils import pubmed_xml
from tests.review.imports.helpers import fixture, source_for


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(streaming, "PIECE_BYTES", 4_000)


def _ris(count):
    text = fixture("scopus-ris/synthesisr_Scopus_ris_example.ris").decode("utf-8")
    return (text.strip() + "\n\n") * (count // 3)


def _whole(data, fmt):
    return parse_bytes(data, format=fmt)


def test_a_large_ris_file_is_cut_at_record_boundaries_into_the_same_records(small_pieces):
    """Pieces of a 30-record RIS file give the records, in order, with the lines of a whole parse."""
    data = _ris(30).encode()
    parts = streaming.plan(data, filename="big.ris", format="auto", encoding="auto")
    assert len(parts) > 3 and all(p.format == "ris" for p in parts)
    pieces = [r for p in parts for r in streaming.parse_piece(p, filename="big.ris", mapping=None).records]
    whole = _whole(data, "ris").records
    assert [(r.title, r.line) for r in pieces] == [(r.title, r.line) for r in whole]


def test_pubmed_xml_pieces_keep_the_declaration_and_give_the_same_records(small_pieces):
    """PubMed XML is cut after </PubmedArticle>, each piece re-wrapped: same PMIDs and lines."""
    data = pubmed_xml([str(30_000_000 + i) for i in range(12)])
    parts = streaming.plan(data, filename="big.xml", format="auto", encoding="auto")
    assert len(parts) > 2
    pieces = [r for p in parts for r in streaming.parse_piece(p, filename="big.xml", mapping=None).records]
    whole = _whole(data, "pubmed-xml").records
    assert [(r.pmid, r.line) for r in pieces] == [(r.pmid, r.line) for r in whole]


def test_an_error_in_a_later_piece_names_the_line_of_the_whole_file(small_pieces):
    """XML cut off in the last piece: the error's line is the one a whole parse reports."""
    data = pubmed_xml([str(30_000_000 + i) for i in range(12)])
    data = data[: data.rfind(b"<Abstract>")]
    with pytest.raises(ImportFormatError) as whole:
        _whole(data, "pubmed-xml")
    parts = streaming.plan(data, filename="", format="auto", encoding="auto")
    with pytest.raises(ImportFormatError) as piecewise:
        for part in parts:
            streaming.parse_piece(part, filename="", mapping=None)
    assert piecewise.value.line == whole.value.line


def test_a_piecewise_import_is_still_all_or_nothing(cast, small_pieces):
    """A file whose last piece is unreadable imports nothing, though earlier pieces were written."""
    from review.models import ImportBatch, Record

    data = pubmed_xml([str(30_000_000 + i) for i in range(12)])
    data = data[: data.rfind(b"<Abstract>")]
    with pytest.raises(ImportFormatError):
        record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="cut.xml")
    assert Record.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_piecewise_import_numbers_records_across_pieces(cast, small_pieces):
    """Positions run on from piece to piece: 0..29 for 30 records."""
    batch = record_import(source=source_for(cast.review), user=cast.lead, data=_ris(30).encode(), filename="b.ris")
    assert batch.records_imported == 30 and batch.format == "ris"
    assert list(batch.records.order_by("position").values_list("position", flat=True)) == list(range(30))


def test_a_large_file_is_parsed_by_a_worker_process_with_the_same_result(cast, small_pieces, monkeypatch):
    """Pieces parsed in the parsing process (ahead of the writes) give the same records as in-process."""
    from review.imports import parse_worker

    started = []
    original = parse_worker.parsed_pieces
    monkeypatch.setattr(parse_worker, "parsed_pieces", lambda *a, **k: started.append(a) or original(*a, **k))
    data = _ris(30).encode()
    batch = record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="b.ris")
    assert started, "the worker process was not used"
    titles = list(batch.records.order_by("position").values_list("title", flat=True))
    assert titles == [r.title for r in _whole(data, "ris").records]


def test_an_unreadable_piece_in_the_worker_fails_the_import_with_its_line(cast, small_pieces):
    """The worker's ImportFormatError reaches the caller with the whole file's line; nothing is imported."""
    from review.models import Record

    data = pubmed_xml([str(30_000_000 + i) for i in range(12)])
    data = data[: data.rfind(b"<Abstract>")]
    with pytest.raises(ImportFormatError) as whole:
        _whole(data, "pubmed-xml")
    with pytest.raises(ImportFormatError) as imported:
        record_import(source=source_for(cast.review), user=cast.lead, data=data, filename="")
    assert imported.value.line == whole.value.line
    assert Record.objects.count() == 0
