"""Writes to reviews, their protocol and their members (each change audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from review.audit import audit_record, snapshot
from review.models import ExclusionReason, Membership, Review, Role

PROTOCOL_FIELDS = [
    "title",
    "question",
    "population",
    "intervention",
    "comparator",
    "outcomes",
    "inclusion_criteria",
    "exclusion_criteria",
]
DEFAULT_EXCLUSION_REASONS = [
    "Wrong population",
    "Wrong intervention",
    "Wrong comparator",
    "Wrong outcomes",
    "Wrong study design",
    "Duplicate publication",
    "Full text not in an accepted language",
]


def unique_slug(text: str) -> str:
    """Return a slug from ``text`` not yet used by any review."""
    base = slugify(text)[:50] or "review"
    slug, n = base, 2
    while Review.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def review_create(
    *, user: Any, title: str, slug: str = "", exclusion_reasons: list[str] | None = None, **protocol: str
) -> Review:
    """Create a review with ``user`` as its lead and the default (or given) exclusion reasons."""
    unknown = set(protocol) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown protocol fields: {', '.join(sorted(unknown))}.")
    if slug and Review.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"The short name {slug!r} is taken."})
    review = Review.objects.create(title=title, slug=slug or unique_slug(title), created_by=user, **protocol)
    Membership.objects.create(review=review, user=user, is_lead=True)
    reasons = DEFAULT_EXCLUSION_REASONS if exclusion_reasons is None else exclusion_reasons
    exclusion_reasons_set(review=review, user=None, labels=reasons)
    audit_record(
        actor=user,
        action="review.create",
        obj=review,
        review=review,
        after=snapshot(review, ["slug", *PROTOCOL_FIELDS]),
    )
    return review


@transaction.atomic
def review_update_protocol(*, review: Review, user: Any, **changes: str) -> Review:
    """Change protocol fields of ``review``; the audit log keeps the values before and after."""
    unknown = set(changes) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown protocol fields: {', '.join(sorted(unknown))}.")
    changed = [name for name, value in changes.items() if getattr(review, name) != value]
    if not changed:
        return review
    before = snapshot(review, changed)
    for name in changed:
        setattr(review, name, changes[name])
    review.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=user, action="review.protocol", obj=review, review=review, before=before, after=snapshot(review, changed)
    )
    return review


@transaction.atomic
def exclusion_reasons_set(*, review: Review, user: Any, labels: list[str]) -> list[ExclusionReason]:
    """Make the review's exclusion reasons exactly ``labels`` in that order.

    Reasons already used by a decision are kept (a PROTECT foreign key refuses their removal).
    """
    clean = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    before = list(review.exclusion_reasons.values_list("label", flat=True))
    review.exclusion_reasons.exclude(label__in=clean).delete()
    for position, label in enumerate(clean):
        ExclusionReason.objects.update_or_create(review=review, label=label, defaults={"position": position})
    if user is not None and before != clean:
        audit_record(
            actor=user,
            action="review.exclusion_reasons",
            obj=review,
            review=review,
            before={"exclusion_reasons": before},
            after={"exclusion_reasons": clean},
        )
    return list(review.exclusion_reasons.all())


def find_user(identifier: str) -> Any:
    """Return the active user whose username or email is ``identifier``, or raise ValidationError."""
    users = get_user_model().objects.filter(is_active=True)
    matches = list(users.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))[:2])
    if len(matches) != 1:
        raise ValidationError(f"No single user has the username or email {identifier!r}.")
    return matches[0]


def _check_roles(roles: set[str]) -> None:
    if not roles:
        raise ValidationError("Give the member at least one role.")
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown roles {sorted(unknown)}; accepted: {', '.join(Role.values)}.")


def _membership_state(member: Membership) -> dict[str, Any]:
    return {
        "user": member.user.username,
        "roles": sorted(member.roles),
        "third_reviewer": member.is_third_reviewer,
        "consensus": member.can_make_consensus,
    }


@transaction.atomic
def membership_add(*, review: Review, actor: Any, identifier: str, roles: set[str]) -> Membership:
    """Add the user named by username or email to ``review`` with ``roles``."""
    _check_roles(roles)
    user = find_user(identifier)
    if Membership.objects.filter(review=review, user=user).exists():
        raise ValidationError(f"{user.username} is already a member; change their roles instead.")
    member = Membership(review=review, user=user)
    member.set_roles(roles)
    member.save()
    audit_record(actor=actor, action="membership.add", obj=member, review=review, after=_membership_state(member))
    return member


def _lock_members(review: Review) -> list[Membership]:
    """Lock the review's memberships so two leads cannot demote each other at the same moment."""
    return list(Membership.objects.select_for_update().filter(review=review).select_related("user"))


@transaction.atomic
def membership_update(
    *,
    review: Review,
    actor: Any,
    member_id: int,
    roles: set[str],
    third_reviewer: bool = False,
    consensus: bool = False,
) -> Membership:
    """Change a member's roles and permissions; the last lead keeps the lead role."""
    _check_roles(roles)
    members = _lock_members(review)
    member = next((m for m in members if m.pk == member_id), None)
    if member is None:
        raise ValidationError("No such member.")
    leads = [m for m in members if m.is_lead]
    if member.is_lead and Role.LEAD not in roles and len(leads) == 1:
        raise ValidationError("The review's last lead cannot give up the lead role; make someone else lead first.")
    before = _membership_state(member)
    member.set_roles(roles)
    member.is_third_reviewer, member.can_make_consensus = third_reviewer, consensus
    member.save()
    audit_record(
        actor=actor,
        action="membership.update",
        obj=member,
        review=review,
        before=before,
        after=_membership_state(member),
    )
    return member


@transaction.atomic
def membership_remove(*, review: Review, actor: Any, member_id: int) -> None:
    """Remove a member; the last lead cannot be removed."""
    members = _lock_members(review)
    member = next((m for m in members if m.pk == member_id), None)
    if member is None:
        raise ValidationError("No such member.")
    if member.is_lead and sum(m.is_lead for m in members) == 1:
        raise ValidationError("The review's last lead cannot be removed.")
    audit_record(actor=actor, action="membership.remove", obj=member, review=review, before=_membership_state(member))
    member.delete()
