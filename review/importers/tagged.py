"""One reader for the line-tagged formats: RIS, MEDLINE, WoS plain text, Refer/EndNote (%), RefWorks,
NoteExpress and CNKI E-Study.

Why by hand: these formats share one shape (a tag per line, continuation lines, a tag or a blank line that
opens or closes a record) and no library reads the Chinese ones at all. rispy and Bio.Medline read RIS and
MEDLINE, but neither says on which line a record starts nor gives its verbatim text (both of which we keep),
rispy keeps only the last value of a repeated tag outside its list and drops the first record after a BOM,
and Bio.Medline joins repeated LID lines (FORMATS.md, section 3). One loop with a per-format tag splitter
keeps every value of every tag, the line and the raw text (ris.py adds a faster path for plain records).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .base import ImportFormatError

TagSplitter = Callable[[str], "tuple[str, str] | None"]


def match_tag(pattern: re.Pattern[str], line: str) -> tuple[str, str] | None:
    """Return (tag, value) when ``pattern`` (groups: tag, optional value) matches ``line``, else None."""
    match = pattern.match(line.rstrip())
    if not match:
        return None
    return match.group(1), (match.group(2) or "").strip()


@dataclass
class TaggedRecord:
    """The tags of one record, in file order, with every value of a repeated tag."""

    line: int
    raw: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    closed: bool = True

    def first(self, *tags: str) -> str:
        """Return the first non-blank value among the tags, tried in order; "" if none."""
        fields = self.fields
        for tag in tags:
            for value in fields.get(tag, ()):
                if value:  # values are stored stripped
                    return value
        return ""

    def all(self, *tags: str) -> list[str]:
        """Return every non-blank value of the tags, in the order of the tags."""
        return [v for tag in tags for v in self.fields.get(tag, ()) if v]


@dataclass(frozen=True)
class Layout:
    """How one tagged format marks its records.

    ``split`` returns (tag, value) for a tag line or None. A record opens at a tag in ``start_tags`` (or at
    the first tag after a blank line when ``start_tags`` is empty) and closes at ``end_tag``, at a blank
    line when ``blank_ends``, or when the next record opens; with ``any_tag_opens`` any tag outside a record
    opens one, otherwise such a tag is skipped, or refused when ``strict_outside``. An untagged line inside
    a record continues the previous value. ``ignore`` names file-header tags (read outside records only).
    """

    name: str
    split: TagSplitter
    start_tags: frozenset[str] = frozenset()
    end_tag: str = ""
    blank_ends: bool = False
    needs_end: bool = False
    ignore: frozenset[str] = frozenset()
    any_tag_opens: bool = False
    strict_outside: bool = False


class _Reader:
    """The state of one pass over a tagged file: the record being read and the value last appended to."""

    def __init__(self, lines: list[str], layout: Layout, filename: str) -> None:
        self.lines, self.layout, self.filename = lines, layout, filename
        self.current: TaggedRecord | None = None
        self.begin = 0
        self.last: list[str] | None = None
        self.found = 0

    def close(self, end: int, closed: bool) -> TaggedRecord:
        """Return the current record, its raw text running up to line index ``end`` (exclusive)."""
        record = self.current
        assert record is not None
        record.raw = "\n".join(self.lines[self.begin : end]).rstrip("\n")
        record.closed = closed
        self.current, self.last = None, None
        return record

    def open(self, index: int, tag: str) -> bool:
        """Open a record at a tag found outside one; return False when the tag is to be skipped."""
        layout = self.layout
        if layout.start_tags and tag not in layout.start_tags and not layout.any_tag_opens:
            if layout.strict_outside:
                raise ImportFormatError(
                    f"{layout.name} tag {tag!r} outside a record (a record starts with "
                    f"{' or '.join(sorted(layout.start_tags))})",
                    filename=self.filename,
                    line=index + 1,
                )
            return False
        self.current, self.begin = TaggedRecord(line=index + 1), index
        self.found += 1
        return True

    def tag_line(self, index: int, tag: str, value: str) -> Iterator[TaggedRecord]:
        """Handle one tag line, yielding the record it closes, if any."""
        layout = self.layout
        if self.current is None and tag in layout.ignore:
            return
        if self.current is not None and tag == layout.end_tag:
            yield self.close(index + 1, True)
            return
        if self.current is not None and tag in layout.start_tags:
            yield self.close(index, not layout.needs_end)
        if self.current is None and not self.open(index, tag):
            return
        assert self.current is not None
        self.last = self.current.fields.setdefault(tag, [])
        self.last.append(value)


def read(text: str, layout: Layout, *, filename: str = "") -> Iterator[TaggedRecord]:
    """Yield the records of a tagged file, each with the 1-based line where it starts.

    Raises ImportFormatError when a tag stands outside any record in a layout that forbids it, or when
    the file holds no record at all.
    """
    lines = text.split("\n")
    reader = _Reader(lines, layout, filename)
    split = layout.split
    for index, line in enumerate(lines):
        if not line or line.isspace():
            if reader.current is not None and layout.blank_ends:
                yield reader.close(index, True)
            continue
        parsed = split(line)
        if parsed is not None:
            yield from reader.tag_line(index, *parsed)
        elif reader.last is not None:
            reader.last[-1] += "\n" + line.strip()
    if reader.current is not None:
        yield reader.close(len(lines), not layout.needs_end)
    if not reader.found:
        raise ImportFormatError(f"no {layout.name} record found", filename=filename, line=1)
