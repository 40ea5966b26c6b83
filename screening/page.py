"""What the screening page shows for one record, gathered in one place for the views and the API."""

from __future__ import annotations

from typing import Any

from review.access import Action, allows
from review.models import Membership, Record, Review
from screening.highlight import highlight_segments
from screening.models import Decision, DecisionValue, Stage, StageSettings
from screening.progress import progress
from screening.queue import neighbours, next_record, with_panel_flags
from screening.rules import Outcome
from screening.selectors import (
    record_outcome,
    stage_outcomes,
    stage_settings,
    visible_comments,
    visible_history,
    visible_notes,
)
from screening.services_prefs import keymap_of


def pick_record(review: Review, stage: str, user: Any, record_id: int | None) -> Record | None:
    """Return the record asked for (when it is this review's), else the reviewer's next record."""
    if record_id is not None:
        found = with_panel_flags(Record.objects.filter(review=review, pk=record_id), stage, user).first()
        if found is not None:
            return found
    return next_record(review, stage, user)


Timeline = tuple[int | None, int | None]


def after_decision(
    review: Review, stage: str, user: Any, record: Record, decision: Decision, settings: StageSettings
) -> tuple[Record | None, Timeline | None]:
    """Return the record to show once ``record`` is decided, and its place in the user's timeline.

    That is the next record of the reviewer's own timeline when they had gone back to an earlier one
    (the timeline is then left to :func:`panel_context`), otherwise the next record of the queue,
    which sits right after the decision just made. A decision created now is the newest, so nothing
    comes after it in the timeline and no query is needed to know that.
    """
    if not getattr(decision, "was_created", False):
        later = Decision.objects.filter(review=review, stage=stage, reviewer=user, pk__gt=decision.pk)
        after = later.order_by("pk").values_list("record_id", flat=True).first()
        if after is not None:
            return with_panel_flags(Record.objects.filter(pk=after), stage, user).first(), None
    following = next_record(review, stage, user, skip=record.pk, settings=settings, last_decision=decision.pk)
    return following, (record.pk, None)


def _segments(text: str, settings: StageSettings) -> list[tuple[str, str]]:
    return highlight_segments(text, settings.include_keywords, settings.exclude_keywords)


def panel_context(
    review: Review,
    membership: Membership,
    stage: str,
    record: Record | None,
    user: Any = None,
    settings: StageSettings | None = None,
    timeline: Timeline | None = None,
    with_keys: bool = True,
) -> dict[str, Any]:
    """Return the template context of the record panel (the part htmx swaps after each decision).

    This runs after every keystroke, so it reads nothing it is handed or can rule out: the settings,
    the record's place in the timeline, and (through the flags of :func:`with_panel_flags`) the
    decision, history, notes and comments a fresh record does not have. The key map is read only
    for a full page; a swapped panel gets its key caps from the page's script.
    """
    user = user or membership.user
    settings = settings or stage_settings(review, stage)
    before, after = timeline or neighbours(review, stage, user, record)
    context: dict[str, Any] = {
        "stage": stage,
        "stage_label": Stage(stage).label,
        "settings": settings,
        "record": record,
        "keys": keymap_of(user) if with_keys else {},
        "can_resolve": allows(membership, Action.RESOLVE),
        "can_dedupe": allows(membership, Action.DEDUPLICATE),
        "values": DecisionValue,
        "previous_id": before,
        "next_id": after,
    }
    if record is None:
        return context
    visible = settings.others_visible
    has = {name: getattr(record, f"panel_has_{name}", True) for name in ("history", "notes", "comments")}
    notes = list(visible_notes(record=record, stage=stage, viewer=user, visible=visible)) if has["notes"] else []
    mine_unknown = getattr(record, "panel_mine", -1) is not None
    mine = Decision.objects.filter(record=record, stage=stage, reviewer=user).select_related("reason")
    context.update(
        {
            "mine": mine.first() if mine_unknown else None,
            "is_primary": record.is_primary,
            "title_segments": _segments(record.title, settings),
            "abstract_segments": _segments(record.abstract, settings),
            "translated_title_segments": _segments(record.translated_title, settings),
            "history": visible_history(record=record, stage=stage, viewer=user, visible=visible)
            if has["history"]
            else [],
            "notes": [n for n in notes if n.author_id != user.pk],
            "my_note": next((n for n in notes if n.author_id == user.pk), None),
            "comments": visible_comments(record=record, stage=stage, viewer=user, visible=visible)
            if has["comments"]
            else [],
            "others_visible": visible,
            "fulltext": getattr(record, "fulltext", None),  # a reverse one-to-one: None when absent
        }
    )
    if visible:
        context["outcome"] = record_outcome(record, stage)
    if stage == Stage.FULL_TEXT:
        context["reasons"] = list(review.exclusion_reasons.all())
        context["companions"] = included_at_full_text(review, exclude=record.pk)
    return context


def included_at_full_text(review: Review, exclude: int | None = None) -> list[Record]:
    """Return the records included at full text (the studies a companion report may link to)."""
    outcomes = stage_outcomes(review, Stage.FULL_TEXT)
    ids = [rec for rec, out in outcomes.items() if out.outcome == Outcome.INCLUDED and rec != exclude]
    return list(Record.objects.filter(pk__in=ids).only("pk", "title", "year").order_by("pk"))


def progress_context(review: Review, stage: str, user: Any) -> dict[str, Any]:
    """Return the progress bars' context: the reviewer's and the stage's."""
    return {
        "progress": progress(review, stage, user),
        "stage": stage,
    }
