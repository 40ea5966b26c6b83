"""Agreement between the reviewers of a stage, from the first independent decision of each record."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.contrib.auth import get_user_model

from review.models import Review
from screening.kappa import FleissAgreement, PairAgreement, cohen_kappa, fleiss_kappa
from screening.models import DecisionHistory, HistoryAction

THREE = ("include", "maybe", "exclude")
TWO = ("include or maybe", "exclude")
FLEISS_MIN_RATERS = 3


def _two(value: str) -> str:
    return "exclude" if value == "exclude" else "include or maybe"


@dataclass(frozen=True)
class PairRow:
    """Agreement of one pair of reviewers, with three and with two categories."""

    reviewer_a: str
    reviewer_b: str
    three: PairAgreement
    two: PairAgreement

    @property
    def three_and_two(self) -> list[tuple[str, PairAgreement]]:
        """Return both analyses with their headings, for the page."""
        return [
            ("Three categories (include / maybe / exclude)", self.three),
            ("Two categories (include or maybe / exclude)", self.two),
        ]


@dataclass(frozen=True)
class StageAgreement:
    pairs: list[PairRow]
    fleiss_three: FleissAgreement | None
    fleiss_two: FleissAgreement | None


def first_decisions(review: Review, stage: str) -> dict[int, dict[int, str]]:
    """Return record id -> {reviewer id: value of their first decision} at ``stage``, in time order.

    A reviewer's first decision is the one they made before any change; a reset of the record by the
    lead starts the record afresh.
    """
    first: dict[int, dict[int, str]] = defaultdict(dict)
    rows = (
        DecisionHistory.objects.filter(review=review, stage=stage)
        .order_by("at", "id")
        .values_list("record_id", "reviewer_id", "action", "value")
    )
    for record, reviewer, action, value in rows:
        if action == HistoryAction.RESET:
            first[record].pop(reviewer, None)
        elif action == HistoryAction.RECORDED and reviewer is not None:
            first[record].setdefault(reviewer, value)
    return {rec: votes for rec, votes in first.items() if votes}


def stage_agreement(review: Review, stage: str) -> StageAgreement:
    """Return Cohen's kappa per pair of reviewers and Fleiss' kappa when three or more decided records."""
    first = first_decisions(review, stage)
    reviewers = sorted({r for votes in first.values() for r in votes})
    names = dict(get_user_model().objects.filter(pk__in=reviewers).values_list("pk", "username"))
    pairs = []
    for a, b in combinations(reviewers, 2):
        both = [(votes[a], votes[b]) for votes in first.values() if a in votes and b in votes]
        pairs.append(
            PairRow(
                names[a],
                names[b],
                cohen_kappa(both, THREE),
                cohen_kappa([(_two(x), _two(y)) for x, y in both], TWO),
            )
        )
    return StageAgreement(pairs, *_fleiss(first))


def _fleiss(first: dict[int, dict[int, str]]) -> tuple[FleissAgreement | None, FleissAgreement | None]:
    """Fleiss' kappa over the records with the most common number (>= 3) of first decisions.

    Records with more decisions contribute their first ones in reviewer order, so every record has
    the same number of ratings, as Fleiss (1971) requires; the raters may differ between records.
    """
    sizes = Counter(len(v) for v in first.values() if len(v) >= FLEISS_MIN_RATERS)
    if not sizes:
        return None, None
    k = sizes.most_common(1)[0][0]
    ratings = [[votes[r] for r in sorted(votes)[:k]] for votes in first.values() if len(votes) >= k]
    three = fleiss_kappa([[row.count(c) for c in THREE] for row in ratings])
    two_rows = [[_two(v) for v in row] for row in ratings]
    return three, fleiss_kappa([[row.count(c) for c in TWO] for row in two_rows])


def agreement_csv_rows(review: Review, stage: str) -> list[list[Any]]:
    """Return the CSV rows of the agreement export (a header row first)."""
    result = stage_agreement(review, stage)
    rows: list[list[Any]] = [
        [
            "stage",
            "statistic",
            "reviewer_a",
            "reviewer_b",
            "categories",
            "records",
            "percent_agreement",
            "kappa",
            "not_defined_because",
            "counts_table",
        ]
    ]
    for pair in result.pairs:
        for label, agg in (("3", pair.three), ("2", pair.two)):
            rows.append(
                [
                    stage,
                    "Cohen's kappa",
                    pair.reviewer_a,
                    pair.reviewer_b,
                    label,
                    agg.n,
                    _fmt(agg.percent_agreement, 100),
                    _fmt(agg.kappa),
                    agg.undefined_reason,
                    _table_text(agg),
                ]
            )
    for label, fleiss in (("3", result.fleiss_three), ("2", result.fleiss_two)):
        if fleiss is not None:
            rows.append(
                [
                    stage,
                    f"Fleiss' kappa ({fleiss.n_raters} raters per record)",
                    "",
                    "",
                    label,
                    fleiss.n_subjects,
                    _fmt(fleiss.mean_agreement, 100),
                    _fmt(fleiss.kappa),
                    fleiss.undefined_reason,
                    "",
                ]
            )
    return rows


def _fmt(value: float | None, scale: int = 1) -> str:
    return "" if value is None else f"{value * scale:.4f}"


def _table_text(agg: PairAgreement) -> str:
    """Write the counts table as 'A\\B: include/include=3; ...' so a spreadsheet keeps it in one cell."""
    cells = [f"{a}/{b}={agg.table[i][j]}" for i, a in enumerate(agg.categories) for j, b in enumerate(agg.categories)]
    return "; ".join(cells)
