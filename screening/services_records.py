"""Writes around a record being screened: full text, notes and tags, comments, marking a duplicate."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from review.audit import audit_record
from review.models import DuplicateGroup, Record
from screening.models import Comment, FullText, ReviewerNote, Stage
from screening.services_transfer import screening_transfer

PDF_MAGIC = b"%PDF-"
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


@transaction.atomic
def fulltext_upload(*, record: Record, upload: UploadedFile, actor: Any) -> FullText:
    """Store ``upload`` as the record's full text after checking its size and that it is a PDF."""
    limit = settings.FULLTEXT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The file is {upload.size // 1024} KB; full texts are limited to {limit // 1024} KB.")
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError("This file is not a PDF (it does not start with %PDF-).")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    fulltext, _ = FullText.objects.select_for_update().get_or_create(record=record)
    if fulltext.file:
        fulltext.file.delete(save=False)
    fulltext.file.save("fulltext.pdf", upload, save=False)
    fulltext.original_name = (upload.name or "")[:255]
    fulltext.size, fulltext.sha256 = upload.size or 0, digest.hexdigest()
    fulltext.not_retrieved, fulltext.updated_by = False, actor
    fulltext.save()
    audit_record(
        actor=actor,
        action="screening.fulltext.upload",
        obj=fulltext,
        review=record.review,
        after={"record": record.pk, "name": fulltext.original_name, "sha256": fulltext.sha256},
    )
    return fulltext


@transaction.atomic
def fulltext_mark_not_retrieved(*, record: Record, actor: Any, not_retrieved: bool, note: str = "") -> FullText:
    """Mark (or unmark) the record's report as not retrieved; PRISMA counts it in its own box."""
    fulltext, _ = FullText.objects.select_for_update().get_or_create(record=record)
    if not_retrieved and fulltext.file:
        raise ValidationError("A full text is uploaded for this record; it was retrieved.")
    fulltext.not_retrieved, fulltext.note, fulltext.updated_by = not_retrieved, note.strip(), actor
    fulltext.save()
    audit_record(
        actor=actor,
        action="screening.fulltext.not_retrieved",
        obj=fulltext,
        review=record.review,
        after={"record": record.pk, "not_retrieved": not_retrieved, "note": fulltext.note},
    )
    return fulltext


def _clean_tags(tags: list[str]) -> list[str]:
    clean = list(dict.fromkeys(t.strip()[:MAX_TAG_LENGTH] for t in tags if t.strip()))
    if len(clean) > MAX_TAGS:
        raise ValidationError(f"A record takes at most {MAX_TAGS} tags.")
    return clean


@transaction.atomic
def note_save(*, record: Record, stage: str, author: Any, text: str, tags: list[str]) -> ReviewerNote:
    """Save the author's note and tags on the record at ``stage`` (one note per reviewer)."""
    if stage not in Stage.values:
        raise ValidationError(f"Unknown stage {stage!r}.")
    note, _ = ReviewerNote.objects.update_or_create(
        record=record,
        stage=stage,
        author=author,
        defaults={"review": record.review, "text": text.strip(), "tags": _clean_tags(tags)},
    )
    return note


@transaction.atomic
def comment_add(*, record: Record, stage: str, author: Any, text: str) -> Comment:
    """Add a comment to the record's thread at ``stage``."""
    if not text.strip():
        raise ValidationError("Write something before sending the comment.")
    comment = Comment.objects.create(review=record.review, record=record, stage=stage, author=author, text=text.strip())
    audit_record(
        actor=author,
        action="screening.comment",
        obj=comment,
        review=record.review,
        after={"record": record.pk, "text": comment.text},
    )
    return comment


@transaction.atomic
def record_mark_duplicate(*, record: Record, of_record: Record, actor: Any) -> DuplicateGroup:
    """Put ``record`` (and its own duplicates) into the duplicate group of ``of_record``.

    ``of_record``'s group keeps its primary record; screening already done on ``record`` moves to that
    primary (see :func:`screening_transfer`), so the group is screened once.
    """
    if record.review_id != of_record.review_id or record.pk == of_record.pk:
        raise ValidationError("Choose another record of the same review.")
    group = of_record.duplicate_group or DuplicateGroup.objects.create(review=of_record.review, primary=of_record)
    if of_record.duplicate_group_id is None:
        Record.objects.filter(pk=of_record.pk).update(duplicate_group=group)
    if record.duplicate_group_id == group.pk:
        return group
    old = record.duplicate_group
    members = list(old.records.all()) if old is not None else [record]
    for member in members:
        screening_transfer(from_record=member, to_record=group.primary, actor=actor)
    Record.objects.filter(pk__in=[m.pk for m in members]).update(duplicate_group=group)
    if old is not None:
        old.delete()
    audit_record(
        actor=actor,
        action="record.mark_duplicate",
        obj=record,
        review=record.review,
        before={"duplicate_group": old.pk if old else None},
        after={"duplicate_group": group.pk, "primary": group.primary_id},
    )
    return group
