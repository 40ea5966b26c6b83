"""Errata, retraction notices, preprints and conference abstracts are related, not duplicates."""

from review.dedup.classify import Outcome, Thresholds, classify
from review.dedup.compare import compare
from review.dedup.relations import ReportKind, report_kind
from tests.review.dedup.helpers import TRIAL, core


def verdict(a, b):
    return classify(a, b, compare(a, b), Thresholds())


def test_erratum_is_related_to_its_article():
    """ "Erratum: <title>" links to the article and is never merged with it."""
    erratum = core(2, title="Erratum: " + TRIAL["title"], pages="1020")
    result = verdict(core(1), erratum)
    assert result.outcome == Outcome.RELATED
    assert result.relation == "erratum"


def test_retraction_notice_is_related_to_the_retracted_article():
    """A retraction notice (by publication type) is another report."""
    notice = core(2, publication_types=["Retraction of Publication"], pages="900")
    assert verdict(core(1), notice).relation == "retraction notice"


def test_retracted_article_itself_is_still_the_same_report():
    """ "RETRACTED: <title>" is the article, marked: it duplicates the unmarked record."""
    marked = core(2, title="RETRACTED: " + TRIAL["title"])
    assert verdict(core(1), marked).outcome == Outcome.AUTO


def test_preprint_is_related_to_the_published_version():
    """A medRxiv preprint and the journal article share a title but are two reports."""
    preprint = core(2, journal="medRxiv", doi="10.1101/2020.01.01.123", volume="", issue="", pages="")
    result = verdict(core(1, doi="10.1002/jbmr.1"), preprint)
    assert result.outcome == Outcome.RELATED
    assert result.relation == "preprint"


def test_conference_abstract_is_related_to_the_article():
    """A meeting abstract in a supplement and the full article are related, not duplicates."""
    abstract = core(2, publication_types=["Conference Abstract"], volume="14", issue="", pages="S120", year=1999)
    result = verdict(core(1), abstract)
    assert result.outcome == Outcome.RELATED
    assert result.relation == "conference abstract"


def test_one_conference_abstract_indexed_twice_is_a_duplicate():
    """Two databases describing the same abstract differently ("Conference:" in one) still merge."""
    a = core(1, journal="Circulation", volume="136", pages="A123", abstract="Background: " + "x " * 50)
    b = core(
        2,
        journal="Circulation. Conference: Resuscitation Science Symposium",
        volume="136",
        pages="A123",
        abstract="Background: " + "x " * 50,
    )
    assert verdict(a, b).outcome == Outcome.AUTO


def test_kind_comes_from_title_types_and_venue():
    """The kinds recognised from each signal."""
    assert report_kind({"title": "Correction to: a trial"}) == ReportKind.ERRATUM
    assert report_kind({"title": "Correction of scoliosis in adults"}) == ReportKind.ARTICLE
    assert report_kind({"title": "A trial", "doi": "10.21203/rs.3.rs-1/v1"}) == ReportKind.PREPRINT
    assert report_kind({"title": "A trial", "publication_types": ["inproceedings"]}) == ReportKind.CONFERENCE


def test_translation_in_another_journal_is_related():
    """Same title and authors, other journal and pages: a translation or dual publication."""
    twin = core(2, journal="Chinese Journal of Osteoporosis", pages="84-87", volume="15")
    result = verdict(core(1), twin)
    assert result.outcome == Outcome.RELATED
