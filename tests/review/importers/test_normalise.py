"""Normalisers: DOIs, years, author names."""

from __future__ import annotations

import pytest

from review.importers.normalise import normalise_doi, parse_year, person_name


@pytest.mark.parametrize(
    "raw",
    [
        "10.1016/J.SCITOTENV.2017.04.075",
        "https://doi.org/10.1016/j.scitotenv.2017.04.075",
        "http://dx.doi.org/10.1016/j.scitotenv.2017.04.075",
        "10.1016/j.scitotenv.2017.04.075 [doi]",
        "doi: 10.1016/j.scitotenv.2017.04.075.",
    ],
)
def test_doi_forms_normalise_to_one(raw):
    """URL prefixes, 'doi:' labels, trailing [doi] and full stops go; case is lowered."""
    assert normalise_doi(raw) == "10.1016/j.scitotenv.2017.04.075"


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2017 Nov 15", 2017),
        ("2024/04/03/", 2024),
        ("2020//", 2020),
        ("Fall 1999", 1999),
        ("n.d.", None),
        ("12345", None),
    ],
)
def test_year_is_the_first_plausible_one(raw, year):
    """Years come out of the date formats the databases write."""
    assert parse_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Liu R.", "Liu, R."),
        ("Adler D.G.", "Adler, D.G."),
        ("Griffin DK", "Griffin, DK"),
        ("Smith,  Jane A", "Smith, Jane A"),
        ("张三", "张三"),
        ("World Health Organization", "World Health Organization"),
        ("PROSPECT Study Group", "PROSPECT Study Group"),
        ("Jane Smith", "Jane Smith"),
    ],
)
def test_person_names(raw, name):
    """Family-then-initials becomes 'Family, Initials'; CJK and corporate names stay whole."""
    assert person_name(raw) == name
