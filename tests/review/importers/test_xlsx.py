"""Excel tables: read like CSV, and decompression bombs refused before openpyxl opens them."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from review.importers import ImportFormatError, csv_columns, parse_bytes


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_with_a_user_mapping():
    """Numbers come back as text ('2020', not '2020.0'); rows keep their spreadsheet row number."""
    data = workbook([["Heading", "Year", "DOI"], ["First", 2020, "10.1/A"], [None, None, None], ["Second", 2021.0, ""]])
    result = parse_bytes(data, filename="refs.xlsx", mapping={"title": "Heading", "year": "Year", "doi": "DOI"})
    assert [(r.title, r.year, r.line) for r in result.records] == [("First", 2020, 2), ("Second", 2021, 4)]
    assert result.format == "csv" and result.encoding == "xlsx"


def test_csv_columns_of_a_workbook():
    """The header row of the first sheet is offered for mapping."""
    assert csv_columns(workbook([["Title", "Authors"], ["x", "y"]])) == ["Title", "Authors"]


def test_decompression_bomb_is_refused():
    """A ZIP whose part unpacks to far more than its size is refused with a clear error."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(ImportFormatError, match="decompression bomb"):
        parse_bytes(out.getvalue(), filename="bomb.xlsx")


def test_zip_that_is_not_a_workbook_is_refused():
    """A ZIP without a workbook gives an ImportFormatError, not a library exception."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFormatError, match="not a readable .xlsx workbook"):
        parse_bytes(out.getvalue(), filename="x.xlsx")


def test_old_xls_file_is_refused_with_advice():
    """An Office 97 .xls is not read; the error says to save it as .xlsx or CSV."""
    with pytest.raises(ImportFormatError, match="save it as .xlsx or CSV"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), filename="old.xls")
