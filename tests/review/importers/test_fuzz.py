"""Whatever bytes arrive, parsing ends in records or an ImportFormatError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.importers import FORMATS, ImportFormatError, parse_bytes

from .test_detect import SAMPLES

KEYS = ["auto", *FORMATS]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parses_or_refuses(data: bytes, format: str) -> None:
    try:
        parse_bytes(data, filename="fuzz", format=format)
    except ImportFormatError as error:
        assert error.reason


@FUZZ
@given(data=st.binary(max_size=400), format=st.sampled_from(KEYS))
def test_arbitrary_bytes(data, format):
    """Random bytes under every format key (and auto)."""
    _parses_or_refuses(data, format)


@FUZZ
@given(
    start=st.sampled_from(sorted(SAMPLES)),
    tail=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300),
    format=st.sampled_from(KEYS),
)
def test_plausible_starts_with_random_tails(start, tail, format):
    """A real-looking beginning of each format followed by random text reaches the deeper parsing code."""
    _parses_or_refuses((SAMPLES[start] + tail).encode("utf-8"), format)


LINE_TAGS = [
    "TY  - ",
    "ER  - ",
    "TI  - ",
    "AU  - ",
    "PMID- ",
    "%0 ",
    "%A ",
    "{Title}: ",
    "RT ",
    "PT ",
    "ER",
    "DataType: ",
    "Title-题名: ",
    "@article{",
    "}",
    "<PubmedArticle>",
    "</record>",
    "\t",
    ",",
    '"',
]


@FUZZ
@given(
    lines=st.lists(st.tuples(st.sampled_from(LINE_TAGS), st.text(max_size=20)), max_size=25),
    format=st.sampled_from(KEYS),
)
def test_shuffled_tag_lines(lines, format):
    """Tag lines of every format mixed in random order and with random values."""
    _parses_or_refuses("\n".join(tag + value for tag, value in lines).encode("utf-8"), format)
