"""The outcome rule: what a record's decisions at a stage add up to (pure, no database)."""

from datetime import datetime, timedelta

from screening.rules import Outcome, Verdict, Vote, stage_outcome

T0 = datetime(2026, 1, 1, 12, 0)


def votes(*values, reasons=None, companions=None):
    reasons = reasons or [None] * len(values)
    companions = companions or [None] * len(values)
    return [Vote(i + 1, v, T0 + timedelta(minutes=i), i + 1, reasons[i], companions[i]) for i, v in enumerate(values)]


def ta(vs, required=2, maybe_passes=True, verdict=None):
    return stage_outcome(vs, required=required, stage="title_abstract", maybe_passes=maybe_passes, verdict=verdict)


def ft(vs, required=2, verdict=None):
    return stage_outcome(vs, required=required, stage="full_text", maybe_passes=True, verdict=verdict)


def test_no_decision_is_unscreened():
    """A record nobody decided is unscreened."""
    assert ta([]).outcome == Outcome.UNSCREENED


def test_fewer_decisions_than_required_wait():
    """One decision of two required leaves the record awaiting the other."""
    assert ta(votes("include")).outcome == Outcome.AWAITING


def test_two_includes_pass():
    """Two includes pass the record."""
    assert ta(votes("include", "include")).outcome == Outcome.INCLUDED


def test_two_excludes_exclude():
    """Two excludes exclude the record."""
    assert ta(votes("exclude", "exclude")).outcome == Outcome.EXCLUDED


def test_include_and_exclude_conflict():
    """An include and an exclude are a conflict (disagreement)."""
    result = ta(votes("include", "exclude"))
    assert (result.outcome, result.conflict_kind) == (Outcome.CONFLICT, "disagreement")


def test_include_and_maybe_pass_when_the_setting_allows():
    """At title/abstract, include + maybe passes when maybe_passes is on, and conflicts when off."""
    assert ta(votes("include", "maybe")).outcome == Outcome.INCLUDED
    off = ta(votes("include", "maybe"), maybe_passes=False)
    assert (off.outcome, off.conflict_kind) == (Outcome.CONFLICT, "maybe")


def test_a_maybe_at_full_text_is_a_conflict():
    """At full text a maybe is always a conflict, whatever the title/abstract setting."""
    assert ft(votes("include", "maybe")).outcome == Outcome.CONFLICT


def test_full_text_exclusions_need_the_same_reason():
    """Two full-text excludes with different reasons conflict; with the same reason they exclude."""
    different = ft(votes("exclude", "exclude", reasons=[1, 2]))
    assert (different.outcome, different.conflict_kind) == (Outcome.CONFLICT, "different exclusion reasons")
    same = ft(votes("exclude", "exclude", reasons=[3, 3]))
    assert (same.outcome, same.reason_id) == (Outcome.EXCLUDED, 3)


def test_only_the_first_required_decisions_count():
    """A third decision (a race, a third reviewer) is kept as extra and does not change the outcome."""
    result = ta(votes("include", "include", "exclude"))
    assert result.outcome == Outcome.INCLUDED
    assert [v.value for v in result.extra] == ["exclude"]


def test_order_is_by_time_not_by_input_order():
    """The decisions that count are the earliest, whatever order they are given in."""
    result = ta(list(reversed(votes("exclude", "exclude", "include"))))
    assert result.outcome == Outcome.EXCLUDED


def test_single_decision_stage():
    """With one decision required, that decision is the outcome."""
    assert ta(votes("exclude"), required=1).outcome == Outcome.EXCLUDED


def test_a_resolution_is_final():
    """A resolution settles the record whatever the decisions say."""
    result = ta(votes("include", "exclude"), verdict=Verdict("exclude"))
    assert (result.outcome, result.resolved) == (Outcome.EXCLUDED, True)


def test_companion_links_must_agree():
    """Two full-text includes linking the report to different studies conflict."""
    result = ft(votes("include", "include", companions=[None, 7]))
    assert result.conflict_kind == "different study links"
    linked = ft(votes("include", "include", companions=[7, 7]))
    assert (linked.outcome, linked.companion_of_id) == (Outcome.INCLUDED, 7)
