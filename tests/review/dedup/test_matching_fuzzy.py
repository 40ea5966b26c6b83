"""Fuzzy matching on title, first author, year, journal, volume and pages."""

from review.dedup.classify import Outcome, Thresholds, classify
from review.dedup.compare import compare
from tests.review.dedup.helpers import core

DEFAULTS = Thresholds()


def verdict(a, b, thresholds=DEFAULTS):
    return classify(a, b, compare(a, b), thresholds)


def test_same_article_in_two_database_styles_merges():
    """Case, punctuation, abbreviated journal and author initials do not hide a duplicate."""
    a = core(1)
    b = core(
        2,
        title="MENATETRENONE VERSUS PLACEBO FOR FRACTURE PREVENTION IN POSTMENOPAUSAL OSTEOPOROSIS.",
        authors=["Shiraki M", "Shiraki Y", "Aoki C"],
        journal="J Bone Miner Res",
        pages="515-21",
    )
    assert verdict(a, b).outcome == Outcome.AUTO


def test_year_one_apart_still_merges_when_pages_agree():
    """Online-first and print years differ by one."""
    assert verdict(core(1), core(2, year=2001)).outcome == Outcome.AUTO


def test_years_far_apart_are_not_merged():
    """An update years later is another report."""
    result = verdict(core(1), core(2, year=2006))
    assert result.outcome != Outcome.AUTO
    assert "years differ" in result.conflicts


def test_different_pages_in_the_same_volume_are_not_merged():
    """Same title in the same volume on other pages: two items (e.g. a reply), a person decides."""
    result = verdict(core(1), core(2, pages="600-601", volume=""))
    assert result.outcome != Outcome.AUTO


def test_recurring_editorial_titles_are_not_merged_across_issues():
    """'Editor's comments' in issue 1 and issue 2 of one volume are different texts."""
    a = core(1, title="Editor's comments", authors=["Rai, A."], pages="", issue="1")
    b = core(2, title="Editor's comments", authors=["Rai, A."], pages="", issue="2")
    assert verdict(a, b).outcome != Outcome.AUTO


def test_different_titles_are_distinct():
    """Same authors and journal, another study: distinct."""
    b = core(2, title="Vitamin K2 and arterial calcification in haemodialysis patients", pages="88-93")
    assert verdict(core(1), b).outcome == Outcome.DISTINCT


def test_records_without_a_title_are_never_merged_automatically():
    """Identical metadata but no title: queued for a person, whatever the threshold."""
    a, b = core(1, title="", doi="10.1000/x"), core(2, title="", doi="10.1000/x")
    result = verdict(a, b, Thresholds(auto_merge=0.0, queue=0.0))
    assert result.outcome == Outcome.QUEUE
    assert "no title" in result.conflicts


def test_threshold_is_a_setting():
    """Raising the automatic-merge threshold above a pair's score queues it instead."""
    a, b = core(1), core(2, pages="", volume="")
    assert verdict(a, b).outcome == Outcome.AUTO
    assert verdict(a, b, Thresholds(auto_merge=0.99999, queue=0.5)).outcome == Outcome.QUEUE


def test_subtitle_dropped_by_one_database_still_matches():
    """A title that opens the other (subtitle dropped) counts as nearly the same title."""
    a = core(1, title="Anxiety about electronic data hacking")
    b = core(2, title="Anxiety about electronic data hacking: predictors and relations with privacy")
    assert compare(a, b).title >= 0.9


def test_given_and_family_names_swapped_by_one_database_still_agree():
    """ "Wang, Xiaoguang" and "Xiaoguang, Wang" are one first author."""
    a = core(1, authors=["Wang, Xiaoguang", "Li, Na"])
    b = core(2, authors=["Xiaoguang, Wang", "Na, Li"])
    assert compare(a, b).first_author is True


def test_journal_abbreviation_and_acronym_match():
    """ "Surg Endosc" abbreviates "Surgical Endoscopy"; "ICIS 2018" names the conference."""
    assert compare(core(1, journal="Surgical Endoscopy"), core(2, journal="Surg Endosc")).journal >= 0.9
    icis = compare(
        core(1, journal="International Conference on Information Systems 2017 (ICIS 2017)"),
        core(2, journal="ICIS: Transforming Society with Digital Innovation"),
    )
    assert icis.journal >= 0.9
