"""Rules that let strong agreement outweigh one noisy field: a wrong DOI, a translated title, a year as volume."""

import pytest

from review.dedup.classify import Outcome, Thresholds, classify
from review.dedup.cluster import cluster
from review.dedup.compare import compare
from review.dedup.engine import detect
from review.dedup.normalize import page_range
from review.dedup.services import detection_run
from tests.review.dedup.helpers import core, record

ABSTRACT = (
    "Unlike mice and rats, golden Syrian hamsters fed a high-fat diet with cholesterol quickly develop "
    "hyperlipidemia. We developed a hamster model of diet-induced obesity and evaluated two drugs."
)
GERMAN = "Menatetrenon gegen Placebo zur Frakturvorbeugung bei Osteoporose nach den Wechseljahren"


def verdict(a, b):
    return classify(a, b, compare(a, b), Thresholds())


def test_two_dois_on_one_abstract_word_for_word_merge():
    """Same title, authors, year, page and abstract text: one of the two DOIs is a database's error."""
    a = core(1, abstract=ABSTRACT, doi="10.1016/j.regpep.2012.05.039")
    b = core(2, abstract=ABSTRACT, doi="http://dx.doi.org/10.1016/j.appet.2012.05.003")
    result = verdict(a, b)
    assert result.outcome == Outcome.AUTO
    assert "different doi" not in result.conflicts


@pytest.mark.parametrize(
    "change",
    [
        {"abstract": ""},  # recurring editorials: no abstract to vouch for the text
        {"year": 2001},  # another year: perhaps a reprint or an update
        {"pages": "600-611"},  # other pages: another item
        {"doi": "10.1016/j.regpep.2012.05.039.pub2"},  # a later version of the same work
    ],
)
def test_two_dois_still_forbid_a_merge_without_word_for_word_agreement(change):
    """Any disagreement, or DOIs that are versions of one work, keeps two DOIs decisive."""
    a = core(1, abstract=ABSTRACT, doi="10.1016/j.regpep.2012.05.039")
    fields = {"abstract": ABSTRACT, "doi": "10.1016/j.appet.2012.05.003", **change}
    result = verdict(a, core(2, **fields))
    assert result.outcome != Outcome.AUTO
    assert "different doi" in result.conflicts


def test_groups_join_across_two_dois_only_through_a_merge_that_excused_them():
    """An excused pair of DOIs lets their groups join; a third DOI is still refused."""
    nodes = {1: {"doi": "10.1/a"}, 2: {"doi": "10.1/a"}, 3: {"doi": "10.1/b"}, 4: {"doi": "10.1/c"}}
    edges = [(0.99, 1, 2), (0.98, 2, 3), (0.97, 3, 4)]
    groups, refused = cluster(nodes, edges, same=[(2, 3)])
    assert groups == [{1, 2, 3}]
    assert refused == [(3, 4)]
    without, _ = cluster(nodes, edges)
    assert without == [{1, 2}]


@pytest.mark.django_db
def test_detection_groups_four_copies_of_one_abstract_under_two_dois(cast):
    """Two databases filed one abstract under two DOIs, twice each: one group of four."""
    copies = [
        record(cast.review, source, abstract=ABSTRACT, doi=doi)
        for source in ("Embase", "Scopus")
        for doi in ("10.1016/j.regpep.2012.05.039", "10.1016/j.appet.2012.05.003")
    ]
    detection_run(review=cast.review)
    groups = set()
    for copy in copies:
        copy.refresh_from_db()
        groups.add(copy.duplicate_group_id)
    assert len(groups) == 1 and None not in groups


def test_a_translated_title_merges_when_journal_issue_pages_and_authors_pin_the_article():
    """German title in one database, English in the other; same issue, same page range, same authors."""
    a, b = core(1), core(2, title=GERMAN)
    assert 0.5 <= compare(a, b).title < 0.7
    assert verdict(a, b).outcome == Outcome.AUTO


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"pages": "515"}, {"pages": "515"}),  # a first page alone does not pin the article
        ({"issue": "4"}, {}),  # another issue
        ({"authors": ["Shiraki, M.", "Tanaka, K.", "Ito, H."]}, {}),  # other co-authors
    ],
)
def test_a_translated_title_is_not_merged_without_the_whole_pin(first, second):
    """Without the whole page range, the issue or the authors, a title this different forbids a merge."""
    assert verdict(core(1, **first), core(2, title=GERMAN, **second)).outcome != Outcome.AUTO


def test_a_volume_equal_to_the_year_counts_as_missing():
    """A magazine exported with the year as its volume matches the record with the real volume."""
    a, b = core(1, volume="2000", pages=""), core(2)
    assert a.volume == ""
    assert verdict(a, b).outcome == Outcome.AUTO
    assert core(3, volume="2000", year=2001).volume == "2000"


def test_page_range_expands_abbreviations_and_skips_single_pages():
    """Only a range of two pages or more pins an article; "182-5" is 182-185."""
    assert page_range("205--226") == "205-226"
    assert page_range("128 -- 139") == "128-139"
    assert page_range("182-5") == "182-185"
    assert page_range("e24") == page_range("35+") == page_range("271--271") == ""


SPANISH = "Estudio multicentrico sobre infecciones pediatricas por Staphylococcus aureus"
ENGLISH = "Community-acquired methicillin-resistant Staphylococcus aureus infections in children: multicenter trial"


def test_detection_compares_and_merges_a_translation_pinned_by_volume_and_page_range():
    """A title under half alike is still compared when volume and page range agree; no issue is no conflict."""
    a = core(1, title=SPANISH, issue="", journal="Arch Argent Pediatr")
    b = core(2, title=ENGLISH, journal="Archivos Argentinos de Pediatria")
    assert 0.4 <= compare(a, b).title < 0.5
    found = detect([a, b])
    assert [result.verdict.outcome for result in found] == [Outcome.AUTO]
    assert detect([a, core(3, title=ENGLISH, pages="600-611")]) == []
