"""A lead corrects a record's metadata; the imported values are kept and the change audited."""

import pytest
from django.core.exceptions import ValidationError

from review.imports.editing import record_correct
from review.models import AuditEvent
from tests.factories import RecordFactory


def test_correction_keeps_the_original_value(cast):
    """Adding a missing abstract stores the empty original, the audit has before and after."""
    record = RecordFactory(batch__source__review=cast.review, abstract="")
    record_correct(record=record, user=cast.lead, abstract="Found in the full text.")
    record.refresh_from_db()
    assert record.abstract == "Found in the full text."
    assert record.original_values == {"abstract": ""}
    event = AuditEvent.objects.get(action="record.correct", object_id=str(record.pk))
    assert event.before == {"abstract": ""} and event.after == {"abstract": "Found in the full text."}


def test_a_second_correction_keeps_the_first_original(cast):
    """Correcting twice keeps the imported value, not the intermediate one."""
    record = RecordFactory(batch__source__review=cast.review, title="Orignal typo")
    record_correct(record=record, user=cast.lead, title="Second")
    record_correct(record=record, user=cast.lead, title="Third")
    record.refresh_from_db()
    assert record.original_values == {"title": "Orignal typo"}


def test_going_back_to_the_imported_value_forgets_the_correction(cast):
    """Restoring the imported value removes the field from original_values."""
    record = RecordFactory(batch__source__review=cast.review, year=2000)
    record_correct(record=record, user=cast.lead, year=2001)
    record_correct(record=record, user=cast.lead, year=2000)
    record.refresh_from_db()
    assert record.original_values == {}


def test_fields_outside_the_metadata_cannot_be_corrected(cast):
    """raw and batch are provenance: refused."""
    record = RecordFactory(batch__source__review=cast.review)
    with pytest.raises(ValidationError):
        record_correct(record=record, user=cast.lead, raw="forged")
