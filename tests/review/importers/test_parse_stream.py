"""parse_stream: records one at a time, so a big import is written in chunks with memory held flat."""

from __future__ import annotations

import pytest

from review.importers import ImportFormatError, parse_stream

RIS = b"TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nPY  - 2020\nER  - \n\nTY  - JOUR\nTI  - Three\nPY  - x\nER  - \n"


def test_format_and_encoding_are_known_before_any_record():
    """The result names format and encoding at once; records, warnings and skips come while iterating."""
    result, records = parse_stream(RIS, filename="a.ris")
    assert (result.format, result.encoding) == ("ris", "utf-8")
    assert result.warnings == [] and result.skipped == []
    assert next(records).title == "One"
    assert [r.title for r in records] == ["Three"]
    assert result.skipped == ["line 5: empty record skipped (no title, DOI or PMID)"]
    assert result.warnings == ["line 9: no year in date 'x'"]
    assert result.records == []


def test_a_broken_record_further_down_raises_while_iterating():
    """Records before the break are yielded; the break is an ImportFormatError naming its line."""
    _, records = parse_stream(b"TY  - JOUR\nTI  - One\nER  - \nAU  - Stray\n", filename="b.ris")
    with pytest.raises(ImportFormatError) as caught:
        list(records)
    assert caught.value.line == 4
