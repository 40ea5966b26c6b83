"""PRISMA 2020 flow diagram: templates, box text with counts, arrows and input checks.

Box wording: Page et al., BMJ 2021;372:n71, Figure 1; field keys: prisma2020_fields.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matplotlib.patches import Rectangle

from analysis.plots.prisma import prisma_flow_diagram
from analysis.plots.prisma_boxes import COUNT_FIELDS, LIST_FIELDS, infer_template, parse_named_counts
from tests.analysis.plots.helpers import svg_texts

FIELDS_FILE = Path("/work/shared/reference/prisma2020_fields.json")
NEW_REVIEW = {
    "database_results": 1843,
    "register_results": 97,
    "duplicates": 402,
    "excluded_automatic": 0,
    "excluded_other": 12,
    "records_screened": 1526,
    "records_excluded": 1431,
    "dbr_sought_reports": 95,
    "dbr_notretrieved_reports": 4,
    "dbr_assessed": 91,
    "dbr_excluded": [{"reason": "Wrong population", "n": 40}, {"reason": "Not randomised", "n": 36}],
    "new_studies": 10,
    "new_reports": 15,
}
UPDATED_WITH_OTHER = NEW_REVIEW | {
    "previous_studies": 12,
    "previous_reports": 15,
    "total_studies": 22,
    "total_reports": 30,
    "website_results": 14,
    "organisation_results": 3,
    "citations_results": 22,
    "other_sought_reports": 9,
    "other_notretrieved_reports": 1,
    "other_assessed": 8,
    "other_excluded": "Wrong outcome, 5",
}


def _boxes(counts: dict[str, object]) -> set[str]:
    figure = prisma_flow_diagram(counts)
    return {str(p.get_gid()) for p in figure.axes[0].patches if isinstance(p, Rectangle) and p.get_gid()}


def _joined_text(counts: dict[str, object]) -> str:
    return " ".join(" ".join(svg_texts(prisma_flow_diagram(counts))).split())


def test_field_keys_match_the_reference_specification() -> None:
    spec = json.loads(FIELDS_FILE.read_text())
    keys = {field for box in spec["boxes"] for field in box.get("fields", {})}
    assert keys == COUNT_FIELDS | LIST_FIELDS


def test_new_review_has_only_the_database_column() -> None:
    assert _boxes(NEW_REVIEW) == {
        "box_identified_dbr",
        "box_removed_before_screening",
        "box_screened",
        "box_records_excluded",
        "box_sought_dbr",
        "box_not_retrieved_dbr",
        "box_assessed_dbr",
        "box_excluded_dbr",
        "box_included_new",
    }


def test_updated_review_with_other_methods_has_all_sixteen_boxes() -> None:
    assert len(_boxes(UPDATED_WITH_OTHER)) == 16


def test_counts_and_reasons_appear_in_their_boxes() -> None:
    text = _joined_text(NEW_REVIEW)
    for expected in (
        "Databases (n = 1843)",
        "Registers (n = 97)",
        "Duplicate records removed (n = 402)",
        "Records screened (n = 1526)",
        "Wrong population (n = 40)",
        "Studies included in review (n = 10)",
        "Identification of studies via databases and registers",
    ):
        assert expected in text


def test_updated_review_wording_says_new() -> None:
    text = _joined_text(UPDATED_WITH_OTHER)
    assert "Identification of new studies via databases and registers" in text
    assert "New studies included in review (n = 10)" in text
    assert "Total studies included in review (n = 22)" in text
    assert "Wrong outcome (n = 5)" in text


def test_a_count_is_never_split_across_lines() -> None:
    texts = svg_texts(prisma_flow_diagram(UPDATED_WITH_OTHER))
    lines = [line for t in texts for line in t.split("\n")]
    assert not [line for line in lines if line.rstrip().endswith("(n =")]


def test_missing_counts_show_a_dash() -> None:
    assert "Records screened (n = –)" in _joined_text(NEW_REVIEW | {"records_screened": None})


def test_arrows_join_the_boxes() -> None:
    figure = prisma_flow_diagram(UPDATED_WITH_OTHER)
    # 7 down arrows, 6 side arrows, 2 elbows (other methods -> included, previous -> total)
    heads = [t for t in figure.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(heads) == 15


@pytest.mark.parametrize(
    ("counts", "template"),
    [
        (NEW_REVIEW, "new_dbr"),
        (NEW_REVIEW | {"website_results": 3}, "new_dbr_other"),
        (NEW_REVIEW | {"previous_studies": 2}, "updated_dbr"),
        (UPDATED_WITH_OTHER, "updated_dbr_other"),
    ],
)
def test_template_is_inferred_from_the_fields_given(counts: dict[str, object], template: str) -> None:
    assert infer_template(counts) == template


def test_reasons_can_be_written_in_the_prisma2020_csv_form() -> None:
    assert parse_named_counts("dbr_excluded", "Reason1, 12; Wrong, design, 3") == (
        ("Reason1", 12),
        ("Wrong, design", 3),
    )


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"records_screend": 3}, "unknown PRISMA field"),
        ({"duplicates": -1}, "whole number"),
        ({"duplicates": 2.5}, "whole number"),
        ({"dbr_excluded": "no number here"}, "cannot read"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message(counts: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        prisma_flow_diagram(NEW_REVIEW | counts)


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PRISMA template"):
        prisma_flow_diagram(NEW_REVIEW, template="scoping")
