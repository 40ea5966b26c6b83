"""Exact identifiers: DOI, PMID, PMCID and a database's own accession make certain duplicates."""

from review.dedup.classify import Outcome, Thresholds, classify
from review.dedup.compare import compare
from tests.review.dedup.helpers import core


def verdict(a, b):
    return classify(a, b, compare(a, b), Thresholds())


def test_same_doi_merges_automatically_despite_other_differences():
    """A shared DOI with the same title is certain, even when a database garbled the journal."""
    a = core(1, doi="10.1002/jbmr.15.3.515", journal="J Bone Miner Res", pages="")
    b = core(2, doi="https://doi.org/10.1002/JBMR.15.3.515", journal="Journal of bone & mineral research")
    result = verdict(a, b)
    assert result.outcome == Outcome.AUTO
    assert result.matched_on == "doi"


def test_same_pmid_merges_automatically():
    """A shared PMID is certain."""
    result = verdict(core(1, pmid="10772292"), core(2, pmid="PMID: 10772292"))
    assert result.outcome == Outcome.AUTO
    assert result.matched_on == "pmid"


def test_same_accession_in_the_same_database_merges():
    """A database that exported one record twice gives it the same accession."""
    a = core(1, accession="WOS:000086529600015", source_database="Web of Science")
    b = core(2, accession="WOS:000086529600015", source_database="Web of Science")
    assert verdict(a, b).matched_on == "accession"


def test_different_dois_are_never_merged_automatically():
    """Two DOIs mean two reports, however alike the rest: a person decides."""
    result = verdict(core(1, doi="10.1000/a"), core(2, doi="10.1000/b"))
    assert result.outcome == Outcome.QUEUE
    assert "different doi" in result.conflicts


def test_same_doi_with_unrelated_titles_and_authors_is_not_a_duplicate():
    """Abstracts of one supplement share its DOI: other title and authors make them distinct."""
    other = core(2, doi="10.1000/a", title="Vitamin D and falls in care homes", authors=["Li, X."], pages="S2")
    result = verdict(core(1, doi="10.1000/a", pages="S1"), other)
    assert result.outcome == Outcome.DISTINCT
    assert "titles differ" in result.conflicts


def test_same_doi_with_a_similar_title_but_other_authors_is_queued():
    """A shared DOI and a close title with a garbled author list is for a person to decide."""
    result = verdict(
        core(1, doi="10.1000/a"), core(2, doi="10.1000/a", title=core().titles[0][:60], authors=["Anonymous X"])
    )
    assert result.outcome in {Outcome.QUEUE, Outcome.AUTO}
