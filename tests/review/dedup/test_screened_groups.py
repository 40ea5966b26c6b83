"""Screening is done once per group, through its primary; primaries never lose decisions."""

import pytest

from review.dedup.decisions import group_set_primary
from review.dedup.services import detection_run, group_elect_primary_after_removal
from tests.review.dedup.helpers import batch_of, record, screen

pytestmark = pytest.mark.django_db


def test_late_import_joins_a_screened_record_as_non_primary(cast):
    """A record imported after screening began joins the screened record's group, which keeps its primary."""
    screened = record(cast.review, "PubMed", abstract="", doi="")
    screen(screened, cast.reviewer)
    late = record(cast.review, "Embase", abstract="A long abstract. " * 30, doi="10.1002/jbmr.15.515")
    detection_run(review=cast.review)
    late.refresh_from_db()
    assert late.duplicate_group_id is not None
    assert late.duplicate_group.primary_id == screened.pk
    assert not late.is_primary


def test_merging_two_screened_records_moves_decisions_to_the_primary(cast):
    """Two records screened separately, then found to be one: the non-primary's decisions move over."""
    a = record(cast.review, "PubMed")
    b = record(cast.review, "Embase")
    screen(a, cast.reviewer)
    screen(b, cast.lead)
    detection_run(review=cast.review)
    a.refresh_from_db()
    primary = a.duplicate_group.primary
    assert primary.screening_decisions.count() == 2


def test_undoing_an_import_that_held_the_primary_elects_a_new_one_with_the_decisions(cast):
    """Call before deleting the batch: the remaining record becomes primary and gets the decisions."""
    first = record(cast.review, "PubMed")
    screen(first, cast.reviewer)
    batch = batch_of(cast.review, "Embase")
    second = record(cast.review, batch=batch)
    third = record(cast.review, "Scopus", title=first.title + ".")
    detection_run(review=cast.review)
    first.refresh_from_db()
    assert first.duplicate_group.primary_id == first.pk
    group_elect_primary_after_removal(review=cast.review, record_ids=[first.pk], actor=cast.lead)
    first.delete()
    second.refresh_from_db(), third.refresh_from_db()
    assert second.duplicate_group_id == third.duplicate_group_id is not None
    new_primary = second.duplicate_group.primary
    assert new_primary.pk in {second.pk, third.pk}
    assert new_primary.screening_decisions.filter(reviewer=cast.reviewer).exists()


def test_undoing_an_import_that_leaves_one_record_gives_it_the_decisions(cast):
    """The group dissolves; the one remaining record carries the removed primary's screening."""
    first = record(cast.review, "PubMed")
    second = record(cast.review, "Embase")
    screen(first, cast.reviewer)
    detection_run(review=cast.review)
    group_elect_primary_after_removal(review=cast.review, record_ids=[first.pk])
    first.delete()
    second.refresh_from_db()
    assert second.duplicate_group_id is None
    assert second.screening_decisions.count() == 1


def test_choosing_another_primary_moves_the_screening(cast):
    """A person makes another member primary; decisions follow, and detection keeps the choice."""
    a = record(cast.review, "PubMed", abstract="Long abstract. " * 20)
    b = record(cast.review, "Embase", abstract="")
    detection_run(review=cast.review)
    a.refresh_from_db(), b.refresh_from_db()
    group = a.duplicate_group
    assert group.primary_id == a.pk
    screen(a, cast.reviewer)
    group_set_primary(group=group, record=b, user=cast.lead)
    detection_run(review=cast.review)
    group.refresh_from_db()
    assert group.primary_id == b.pk
    assert b.screening_decisions.count() == 1 and a.screening_decisions.count() == 0
