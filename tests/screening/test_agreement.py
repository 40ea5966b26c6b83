"""Agreement of a stage's reviewers from their first independent decisions (page and CSV)."""

import pytest

from screening.agreement import first_decisions, stage_agreement
from screening.services import stage_reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(cast, records, reviewer2, decide):
    """Reviewer and reviewer2 on 8 records: 6 agreements, 2 disagreements (one a later change)."""
    plan = [
        ("include", "include"),
        ("include", "include"),
        ("exclude", "exclude"),
        ("exclude", "exclude"),
        ("exclude", "exclude"),
        ("maybe", "maybe"),
        ("include", "exclude"),
        ("maybe", "exclude"),
    ]
    for record, (a, b) in zip(records, plan, strict=False):
        decide(record, cast.reviewer, a)
        decide(record, reviewer2, b)
    decide(records[6], reviewer2, "include")  # changed after discussion: not independent any more
    return records


def test_first_decisions_ignore_later_changes(cast, screened, reviewer2):
    """The first independent decision is the value recorded before any change."""
    assert first_decisions(cast.review, "title_abstract")[screened[6].pk][reviewer2.pk] == "exclude"


def test_pair_agreement_matches_a_hand_count(cast, screened):
    """Three categories: 6 of 8 agree; two categories: 6 of 8 agree too (maybe/exclude stays apart).

    Three categories, rows reviewer, columns reviewer2 (include, maybe, exclude):
    [[2, 0, 1], [0, 1, 1], [0, 0, 3]]; p_o = 6/8; rows 3/8 2/8 3/8, columns 2/8 1/8 5/8;
    p_e = (6 + 2 + 15) / 64 = 23/64; kappa = (48/64 - 23/64) / (41/64) = 25/41.
    """
    result = stage_agreement(cast.review, "title_abstract")
    pair = result.pairs[0]
    assert pair.three.table == ((2, 0, 1), (0, 1, 1), (0, 0, 3))
    assert pair.three.kappa == pytest.approx(25 / 41)
    assert pair.two.percent_agreement == pytest.approx(6 / 8)
    assert result.fleiss_three is None


def test_fleiss_kappa_appears_with_three_reviewers(cast, screened, decide):
    """When the lead decides the same records too, Fleiss' kappa over three raters appears."""
    for record in screened[:8]:
        decide(record, cast.lead, "include")
    result = stage_agreement(cast.review, "title_abstract")
    assert result.fleiss_three is not None and result.fleiss_three.n_raters == 3
    assert len(result.pairs) == 3


def test_the_page_and_csv_after_the_reveal(cast, screened, client_for):
    """After the reveal the lead sees kappa and downloads the CSV with both category schemes."""
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    client = client_for(cast.lead)
    html = client.get(f"/reviews/{cast.review.slug}/screening/title_abstract/agreement/").content.decode()
    assert "0.610" in html and "75.0%" in html
    csv_text = client.get(f"/reviews/{cast.review.slug}/screening/title_abstract/agreement.csv").content.decode()
    assert csv_text.count("Cohen's kappa") == 2 and "0.6098" in csv_text


def test_not_defined_is_shown_in_words(cast, records, reviewer2, decide, client_for):
    """Everyone excluding everything: the page says kappa is not defined and why."""
    for record in records[:3]:
        decide(record, cast.reviewer, "exclude")
        decide(record, reviewer2, "exclude")
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    html = client_for(cast.lead).get(f"/reviews/{cast.review.slug}/screening/title_abstract/agreement/")
    assert "not defined" in html.content.decode()
