"""Undoing an import: every record of the batch goes, until one of them has been screened."""

import pytest
from django.apps import apps

from review.imports.services import ImportRefused, batch_undo, record_import
from review.models import AuditEvent, DuplicateGroup, ImportStatus, Record
from tests.factories import RecordFactory
from tests.review.imports.helpers import RIS_TWO, source_for


def _import(cast):
    return record_import(source=source_for(cast.review), user=cast.lead, data=RIS_TWO.encode(), filename="a.ris")


def test_undo_removes_the_batch_records_and_keeps_the_others(cast):
    """The undone batch's records are deleted, other imports stay, the batch is marked undone and audited."""
    other = RecordFactory(batch__source__review=cast.review)
    batch = _import(cast)
    assert batch_undo(batch=batch, user=cast.lead) == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and batch.undone_at
    assert list(Record.objects.filter(review=cast.review)) == [other]
    assert AuditEvent.objects.filter(action="import.undo", object_id=str(batch.pk)).exists()


def test_undo_twice_is_refused(cast):
    """An undone import cannot be undone again."""
    batch = _import(cast)
    batch_undo(batch=batch, user=cast.lead)
    with pytest.raises(ImportRefused, match="undone"):
        batch_undo(batch=batch, user=cast.lead)


def test_undo_is_refused_once_a_record_was_screened(cast):
    """A screening decision on any record of the batch blocks undo; nothing is deleted."""
    decision = apps.get_model("screening", "Decision")
    batch = _import(cast)
    record = batch.records.first()
    decision.objects.create(
        review=cast.review, record=record, stage="title_abstract", reviewer=cast.reviewer, value="include"
    )
    with pytest.raises(ImportRefused, match="1 records of this import have screening decisions"):
        batch_undo(batch=batch, user=cast.lead)
    assert batch.records.count() == 2


def test_undo_keeps_duplicate_groups_valid(cast):
    """A group losing its primary gets a new one; a group left with one record is dissolved."""
    batch = _import(cast)
    gone_a, gone_b = batch.records.order_by("position")
    stay_1, stay_2, stay_3 = (RecordFactory(batch__source__review=cast.review) for _ in range(3))
    big = DuplicateGroup.objects.create(review=cast.review, primary=gone_a)
    small = DuplicateGroup.objects.create(review=cast.review, primary=gone_b)
    Record.objects.filter(pk__in=[gone_a.pk, stay_1.pk, stay_2.pk]).update(duplicate_group=big)
    Record.objects.filter(pk__in=[gone_b.pk, stay_3.pk]).update(duplicate_group=small)
    batch_undo(batch=batch, user=cast.lead)
    big.refresh_from_db()
    assert big.primary_id == stay_1.pk
    assert not DuplicateGroup.objects.filter(pk=small.pk).exists()
    stay_3.refresh_from_db()
    assert stay_3.duplicate_group_id is None
