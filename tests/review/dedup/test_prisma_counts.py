"""PRISMA: duplicates removed follow from the groups; overlap between databases."""

import pytest

from review.dedup.services import detection_run, overlap_table, records_removed_as_duplicates
from tests.review.dedup.helpers import record

pytestmark = pytest.mark.django_db


def test_duplicates_removed_counts_every_member_beyond_the_primary(cast):
    """Three copies of one trial and a unique record: two removed."""
    for source in ("PubMed", "Embase", "Web of Science"):
        record(cast.review, source)
    record(cast.review, "Embase", title="Calcium intake and hip fracture in older men", pages="1-9")
    assert records_removed_as_duplicates(cast.review) == 0
    detection_run(review=cast.review)
    assert records_removed_as_duplicates(cast.review) == 2


def test_overlap_table_counts_found_unique_and_shared(cast):
    """Per search: records found, reports found, unique to it, shared; and the pairwise matrix."""
    record(cast.review, "PubMed")
    record(cast.review, "Embase")
    record(cast.review, "Embase", title="Calcium intake and hip fracture in older men", pages="1-9")
    detection_run(review=cast.review)
    table = overlap_table(cast.review)
    rows = {row["source"]: row for row in table["sources"]}
    assert rows["Embase"] == {"source": "Embase", "records": 2, "reports": 2, "unique": 1, "shared": 1}
    assert rows["PubMed"] == {"source": "PubMed", "records": 1, "reports": 1, "unique": 0, "shared": 1}
    assert table["records"] == 3 and table["reports"] == 2
    matrix = {row["source"]: row["counts"] for row in table["matrix"]}
    assert matrix["Embase"] == [2, 1]  # names sorted: Embase, PubMed
