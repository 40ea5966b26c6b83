"""Multi-table reads of the review app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, QuerySet

from review.models import AuditEvent, Membership, Record, Review


def reviews_for_user(user: Any) -> QuerySet[Review]:
    """Return the reviews ``user`` belongs to, newest first, with their record counts."""
    return (
        Review.objects.filter(memberships__user=user)
        .annotate(record_count=Count("records", distinct=True))
        .order_by("-created_at")
    )


def members_of(review: Review) -> QuerySet[Membership]:
    """Return the review's members with their users."""
    return review.memberships.select_related("user").order_by("added_at")


def stage_counts(review: Review) -> list[tuple[str, int]]:
    """Return the PRISMA stages that exist so far with their record counts, in flow order."""
    records = Record.objects.filter(review=review).exclude(batch__status="undone")
    identified = records.count()
    grouped_duplicates = (
        records.filter(duplicate_group__isnull=False).exclude(duplicate_group__primary_id=F("id")).count()
    )
    counts = [
        ("Records identified", identified),
        ("Duplicates removed", grouped_duplicates),
        ("Records to screen", identified - grouped_duplicates),
    ]
    for extra in STAGE_COUNT_HOOKS:
        counts.extend(extra(review))
    return counts


# Later apps (screening, extraction) append functions returning more (label, count) pairs.
STAGE_COUNT_HOOKS: list[Callable[[Review], list[tuple[str, int]]]] = []


def visible_audit_events(review: Review) -> QuerySet[AuditEvent]:
    """Return the review's audit events that every member may read.

    Screening decisions are left out: in blind mode they are secret until the lead reveals them, and
    the screening pages show each record's history under the blind rules.
    """
    return review.audit_events.exclude(object_type__startswith="screening.")
