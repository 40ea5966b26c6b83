"""Excel workbooks (.xlsx) for the generic table importer, read with openpyxl in read-only mode.

An .xlsx file is a ZIP archive, so before openpyxl opens it the archive's directory is checked against
decompression bombs: a cap on the total uncompressed size, on the ratio of any member, and on the number
of members. The first worksheet is read; its first non-empty row is the header.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .base import ImportFormatError

ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 300 * 1024 * 1024  # bytes; a 100,000-record export is well under this
MAX_RATIO = 200  # uncompressed/compressed per member; real sheets compress 5-20x
MAX_MEMBERS = 10_000
_RATIO_FLOOR = 1024 * 1024  # members smaller than this cannot do harm whatever their ratio


def is_zip(data: bytes) -> bool:
    """Return True when the bytes start like a ZIP archive (xlsx, docx, ...)."""
    return data.startswith(ZIP_MAGIC)


def check_archive(data: bytes, *, filename: str = "") -> None:
    """Raise ImportFormatError when the ZIP archive is unreadable or could be a decompression bomb."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFormatError(f"not a readable .xlsx workbook ({error})", filename=filename) from None
    if len(members) > MAX_MEMBERS:
        raise ImportFormatError(f"the workbook holds {len(members)} parts; refused", filename=filename)
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED:
        raise ImportFormatError(
            f"the workbook would unpack to {total // (1024 * 1024)} MB (limit {MAX_UNCOMPRESSED // (1024 * 1024)}"
            " MB); refused as a possible decompression bomb",
            filename=filename,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise ImportFormatError(
                f"part {member.filename} compresses {ratio:.0f} to 1 (limit {MAX_RATIO}); refused as a possible "
                "decompression bomb",
                filename=filename,
            )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def sheet_rows(data: bytes, *, filename: str = "") -> tuple[list[str], Iterator[tuple[int, list[str], str]]]:
    """Return the header and an iterator of (row number, cells, tab-joined cells) of the first sheet."""
    check_archive(data, filename=filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFormatError(f"not a readable .xlsx workbook ({error})", filename=filename) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header: list[str] = []
    number = 0
    for number, row in enumerate(values, start=1):  # noqa: B007 (number is read after the loop)
        header = [_text(cell).strip() for cell in row]
        if any(header):
            break

    def body() -> Iterator[tuple[int, list[str], str]]:
        for offset, row in enumerate(values, start=number + 1):
            cells = [_text(cell) for cell in row]
            if any(cell.strip() for cell in cells):
                yield offset, cells, "\t".join(cells)
        workbook.close()

    return header, body()
