"""A journal's reprint of one article is the same report; parts of a series by the same authors are not."""

import pytest

from review.dedup.classify import Outcome, Thresholds, classify
from review.dedup.compare import compare
from review.dedup.record import prepare, title_numbers
from review.dedup.services import detection_run
from tests.review.dedup.helpers import record

# Shaped on a real case: one article printed in two volumes a year apart under two DOIs.
ARTICLE = {
    "title": "Sponsorship and IT vendor management of projects",
    "authors": ["Liu, Li", "Yetton, Philip"],
    "journal": "Journal of Information Technology",
    "issue": "1",
    "abstract": (
        "Project sponsorship is assumed to be critical to the success of information systems development "
        "and implementation. However, there is limited research on the effect of vendor-based sponsorship on "
        "the management of information technology (IT) projects. This paper contributes to that emerging body "
        "of research by examining how a vendor's sponsorship shapes the management of its client's projects."
    ),
}
FIRST = {**ARTICLE, "year": 2009, "volume": "24", "pages": "46--54", "doi": "10.1057/JIT.2009.2"}
REPRINT = {**ARTICLE, "year": 2010, "volume": "25", "pages": "56--64", "doi": "10.1057/JIT.2008.23"}


def verdict(left: dict, right: dict):
    a, b = prepare({"id": 1, **left}), prepare({"id": 2, **right})
    return classify(a, b, compare(a, b), Thresholds())


def test_a_reprint_in_a_later_volume_under_a_new_doi_merges():
    """Same title, author list, journal and abstract a year apart: the journal printed the article twice."""
    result = verdict(FIRST, REPRINT)
    assert result.outcome == Outcome.AUTO
    assert result.conflicts == ()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"authors": ["Zimmer, Michael"]}, id="a commentary printed under the article's title"),
        pytest.param({"authors": ["Liu, Li", "Yetton, Philip", "Chen, Wei"]}, id="another author list"),
        pytest.param({"year": 2012}, id="years apart"),
        pytest.param({"journal": "European Journal of Information Systems"}, id="another journal"),
        pytest.param({"abstract": ARTICLE["abstract"][:200]}, id="too short an abstract to vouch"),
        pytest.param({"abstract": ""}, id="no abstract"),
        pytest.param({"doi": "10.1057/JIT.2009.2.pub2"}, id="a later version of the work"),
        pytest.param({"title": "Sponsorship and IT vendor management of projects: a replication"}, id="a title"),
    ],
)
def test_near_reprints_do_not_merge_automatically(change):
    """Each difference leaves the two DOIs, volumes and pages decisive."""
    assert verdict(FIRST, {**REPRINT, **change}).outcome != Outcome.AUTO


def test_a_recurring_heading_with_a_boilerplate_abstract_is_not_a_reprint():
    """ "Editorial Notes" of two years, same editor, same one-line abstract: two items."""
    notes = {
        "title": "Editorial Notes",
        "authors": ["Sambamurthy, Vallabh"],
        "journal": "Information Systems Research",
        "issue": "4",
        "abstract": "The performance of the journal is reviewed and metrics are presented. Key transitions.",
    }
    first = {**notes, "year": 2008, "volume": "19", "pages": "397--399", "doi": "10.1287/ISRE.1080.0213"}
    second = {**notes, "year": 2009, "volume": "20", "pages": "481--483", "doi": "10.1287/ISRE.1090.0263"}
    assert verdict(first, second).outcome != Outcome.AUTO


@pytest.mark.django_db
def test_detection_groups_a_reprint_despite_its_two_dois(cast):
    """Through the service: the two printings, each found by two databases, end in one group."""
    copies = [record(cast.review, source, **fields) for source in ("Scopus", "WoS") for fields in (FIRST, REPRINT)]
    detection_run(review=cast.review)
    groups = set()
    for copy in copies:
        copy.refresh_from_db()
        groups.add(copy.duplicate_group_id)
    assert len(groups) == 1 and None not in groups


SERIES = {
    "title": "Management of chronic pain in older adults living in nursing homes: part 1",
    "authors": ["Shiraki, M.", "Aoki, C."],
    "year": 2000,
    "journal": "J Bone Miner Res",
    "volume": "15",
    "issue": "3",
    "pages": "515-521",
}


@pytest.mark.parametrize(
    ("title", "pages"),
    [
        ("Management of chronic pain in older adults living in nursing homes: part 2", "530-541"),
        ("Management of chronic pain in older adults living in nursing homes: part II", "530-541"),
        ("Management of chronic pain in older adults living in nursing homes: part 2", ""),
    ],
)
def test_parts_of_a_series_are_not_merged(title, pages):
    """Same authors, journal and volume; titles differ only in the part number: two articles."""
    result = verdict(SERIES, {**SERIES, "title": title, "pages": pages})
    assert result.outcome != Outcome.AUTO
    assert "numbers in titles differ" in result.conflicts


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"title": "Management of chronic pain in older adults living in nursing homes"}, id="no number"),
        pytest.param({"title": SERIES["title"] + " [Review] [33 refs]"}, id="a number on one side only"),
        pytest.param({"title": SERIES["title"].replace("part 1", "part 7")}, id="a typo, same volume and page"),
        pytest.param({"title": SERIES["title"].replace("part 1", "part I")}, id="Roman and Arabic"),
    ],
)
def test_numbers_that_do_not_contradict_still_merge(change):
    """A number missing on one side, or pinned by the same volume and first page, is no contradiction."""
    assert verdict(SERIES, {**SERIES, **change}).outcome == Outcome.AUTO


def test_title_numbers_read_roman_numerals_only_where_they_number_things():
    """ "Phase III" is 3 and "part I" is 1; "vitamin D" and "type I" are handled apart."""
    assert title_numbers(("phase iii trial of drug x in type i diabetes",)) == ("1", "3")
    assert title_numbers(("vitamin d and vitamin e in elderly women",)) == ()
    assert title_numbers(("a 12 month trial 2 of 3",)) == ("12", "2", "3")


def test_other_pages_of_one_volume_need_a_word_for_word_title():
    """Same authors, journal and volume, titles one word apart, other pages: two articles, not merged."""
    hip = {**SERIES, "title": "Incidence of hip fractures among women taking menatetrenone for osteoporosis"}
    wrist = {**hip, "title": hip["title"].replace("hip", "wrist"), "pages": "530-541"}
    result = verdict(hip, wrist)
    assert result.outcome != Outcome.AUTO
    assert "different pages" in result.conflicts
    # The same title word for word with a garbled page field still merges (a date made of "1-6").
    assert verdict(hip, {**hip, "pages": "01-Jun"}).outcome == Outcome.AUTO
