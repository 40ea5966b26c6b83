"""Blind screening hides other reviewers' decisions everywhere until the lead reveals them."""

import pytest

from screening.models import Comment, ReviewerNote
from screening.services import stage_reveal
from screening.services_records import comment_add, note_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def disagreed(cast, records, reviewer2, decide):
    """Record 0: the reviewer includes it, reviewer2 excludes it with a tell-tale note and comment."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    note_save(record=records[0], stage="title_abstract", author=reviewer2, text="SECRET-NOTE", tags=["rats"])
    comment_add(record=records[0], stage="title_abstract", author=reviewer2, text="SECRET-COMMENT")
    return records[0]


def _urls(slug, record):
    base = f"/reviews/{slug}/screening/title_abstract/"
    return {
        "page": f"{base}?record={record.pk}",
        "api": f"/api/reviews/{slug}/screening/title_abstract/decisions/",
        "api_conflicts": f"/api/reviews/{slug}/screening/title_abstract/conflicts/",
        "csv": f"{base}decisions.csv",
        "conflicts": f"{base}conflicts/",
        "agreement": f"{base}agreement/",
        "agreement_csv": f"{base}agreement.csv",
        "conflict": f"{base}conflicts/{record.pk}/",
    }


def test_the_screening_page_shows_only_my_own_decision(cast, disagreed, client_for):
    """The record page shows my decision and history, never reviewer2's decision, note or comment."""
    html = client_for(cast.reviewer).get(_urls(cast.review.slug, disagreed)["page"]).content.decode()
    assert "reviewer2" not in html
    assert "SECRET-NOTE" not in html and "SECRET-COMMENT" not in html
    assert "Exclude</span>" not in html and "Include</span>" in html


def test_the_api_lists_only_my_decisions(cast, disagreed, client_for):
    """The decisions API returns the caller's decisions only."""
    data = client_for(cast.reviewer).get(_urls(cast.review.slug, disagreed)["api"]).json()
    assert [d["reviewer"] for d in data] == ["reviewer"]


def test_the_csv_export_holds_only_my_decisions(cast, disagreed, client_for):
    """The decisions export of a member carries their own rows only."""
    body = client_for(cast.reviewer).get(_urls(cast.review.slug, disagreed)["csv"]).content.decode()
    assert "reviewer2" not in body and ",reviewer," in body


def test_a_viewer_exports_no_unrevealed_decision(cast, disagreed, client_for):
    """A viewer (no decisions of their own) exports nothing before the reveal."""
    body = client_for(cast.viewer).get(_urls(cast.review.slug, disagreed)["csv"]).content.decode()
    assert body.strip().count("\n") == 0


def test_a_lead_who_screens_is_blind_too(cast, disagreed, client_for, decide):
    """The lead sees neither the conflicts, the agreement nor others' decisions before the reveal."""
    decide(disagreed, cast.lead, "maybe")
    client = client_for(cast.lead)
    urls = _urls(cast.review.slug, disagreed)
    for name in ("page", "conflicts", "agreement", "conflict"):
        html = client.get(urls[name]).content.decode()
        assert "reviewer2" not in html and "SECRET" not in html, name
    assert client.get(urls["agreement_csv"]).status_code == 409
    assert [d["reviewer"] for d in client.get(urls["api"]).json()] == ["lead"]
    assert [d["reviewer"] for d in client.get(urls["api"], {"record": disagreed.pk}).json()] == ["lead"]
    assert client.get(urls["api_conflicts"]).json() == {"revealed": False, "conflicts": []}


def test_the_general_audit_log_leaves_decisions_out(cast, disagreed, client_for):
    """Screening audit events never show in the review's audit log page."""
    html = client_for(cast.reviewer).get(f"/reviews/{cast.review.slug}/audit/").content.decode()
    assert "screening.decision" not in html


def test_after_the_reveal_everyone_sees_everything(cast, disagreed, client_for):
    """Once revealed, pages, API, exports, notes and comments show every reviewer's work."""
    stage_reveal(review=cast.review, stage="title_abstract", actor=cast.lead)
    client = client_for(cast.reviewer)
    urls = _urls(cast.review.slug, disagreed)
    html = client.get(urls["page"]).content.decode()
    assert "reviewer2" in html and "SECRET-NOTE" in html and "SECRET-COMMENT" in html
    assert {d["reviewer"] for d in client.get(urls["api"]).json()} == {"reviewer", "reviewer2"}
    assert "reviewer2" in client.get(urls["csv"]).content.decode()
    assert ReviewerNote.objects.count() == 1 and Comment.objects.count() == 1


def test_a_stage_that_is_not_blind_shows_decisions_at_once(cast, disagreed, client_for):
    """With blind mode off, members see each other's decisions without a reveal."""
    from screening.services import stage_settings_update

    stage_settings_update(
        review=cast.review,
        stage="title_abstract",
        actor=cast.lead,
        required_decisions=2,
        blind=False,
        maybe_passes=True,
        include_keywords=[],
        exclude_keywords=[],
    )
    data = client_for(cast.reviewer).get(_urls(cast.review.slug, disagreed)["api"]).json()
    assert {d["reviewer"] for d in data} == {"reviewer", "reviewer2"}


def _ranking(cast, reviewer, record_ids, scores):
    import numpy as np

    from screening.models import Ranking, RankingStatus

    Ranking.objects.create(
        review=cast.review,
        stage="title_abstract",
        reviewer=reviewer,
        status=RankingStatus.READY,
        record_ids=np.asarray(record_ids, dtype=np.int64).tobytes(),
        scores=np.asarray(scores, dtype=np.float32).tobytes(),
    )


def test_the_relevance_score_comes_from_my_own_model_only(cast, records, reviewer2, client_for):
    """Each reviewer sees their own model's score; without a model of my own, no score, even if another has one."""
    _ranking(cast, reviewer2, [records[0].pk], [0.91])
    url = f"/reviews/{cast.review.slug}/screening/title_abstract/records/{records[0].pk}/score/"
    assert "0.91" in client_for(reviewer2).get(url).content.decode()
    mine = client_for(cast.reviewer).get(url).content.decode()
    assert "0.91" not in mine and "No score yet" in mine
    _ranking(cast, cast.reviewer, [records[0].pk], [0.12])
    assert "0.12" in client_for(cast.reviewer).get(url).content.decode()
