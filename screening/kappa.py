"""Agreement between reviewers: percent agreement, Cohen's kappa and Fleiss' kappa.

Pure Python on counts, no Django: the screening pages feed it the first independent decision of
each record, and the tests pin it to published and hand-computed examples.

References
----------
Cohen J (1960). A coefficient of agreement for nominal scales. Educational and Psychological
Measurement 20(1):37-46. doi:10.1177/001316446002000104
Fleiss JL (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin
76(5):378-382. doi:10.1037/h0031619
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two raters on the same subjects.

    ``table[i][j]`` counts subjects rater A put in ``categories[i]`` and rater B in ``categories[j]``.
    ``kappa`` is None when it has no value, and ``undefined_reason`` then says why.
    """

    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    n: int
    percent_agreement: float | None
    expected_agreement: float | None
    kappa: float | None
    undefined_reason: str = ""

    @property
    def rows(self) -> list[tuple[str, tuple[int, ...]]]:
        """Return the counts table as (rater A's category, counts across rater B's categories) rows."""
        return list(zip(self.categories, self.table, strict=True))

    @property
    def percent(self) -> str:
        """Return percent agreement with one decimal, or an empty string without subjects."""
        return "" if self.percent_agreement is None else f"{100 * self.percent_agreement:.1f}"


@dataclass(frozen=True)
class FleissAgreement:
    """Fleiss' kappa of ``n_subjects`` subjects each rated by ``n_raters`` raters."""

    n_subjects: int
    n_raters: int
    mean_agreement: float | None
    expected_agreement: float | None
    kappa: float | None
    undefined_reason: str = ""


def cohen_kappa(pairs: Sequence[tuple[str, str]], categories: Sequence[str]) -> PairAgreement:
    """Return percent agreement and Cohen's kappa of two raters from their (A, B) ratings per subject.

    kappa = (p_o - p_e) / (1 - p_e), with p_o the observed share of agreements and p_e the share
    expected from the raters' marginal distributions (Cohen 1960, eq. 1). It has no value when there
    are no subjects, or when p_e = 1 (both raters used one and the same category for every subject).
    """
    cats = tuple(categories)
    index = {c: i for i, c in enumerate(cats)}
    unknown = {v for pair in pairs for v in pair} - set(cats)
    if unknown:
        raise ValueError(f"Ratings {sorted(unknown)} are not among the categories {list(cats)}.")
    table = [[0] * len(cats) for _ in cats]
    for a, b in pairs:
        table[index[a]][index[b]] += 1
    frozen = tuple(tuple(row) for row in table)
    return cohen_kappa_from_table(frozen, cats)


def cohen_kappa_from_table(table: Sequence[Sequence[int]], categories: Sequence[str]) -> PairAgreement:
    """Return percent agreement and Cohen's kappa from a square table of counts (rows: rater A)."""
    k = len(categories)
    if len(table) != k or any(len(row) != k for row in table):
        raise ValueError(f"The table must be {k} x {k}, one row and one column per category.")
    if any(c < 0 for row in table for c in row):
        raise ValueError("Counts cannot be negative.")
    frozen = tuple(tuple(int(c) for c in row) for row in table)
    n = sum(map(sum, frozen))
    if n == 0:
        return PairAgreement(tuple(categories), frozen, 0, None, None, None, "no records decided by both")
    observed = sum(frozen[i][i] for i in range(k)) / n
    rows = [sum(frozen[i]) / n for i in range(k)]
    cols = [sum(frozen[i][j] for i in range(k)) / n for j in range(k)]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True))
    if abs(1 - expected) < 1e-12:
        return PairAgreement(
            tuple(categories),
            frozen,
            n,
            observed,
            expected,
            None,
            "both reviewers used one and the same category only, so chance agreement is 1",
        )
    kappa = (observed - expected) / (1 - expected)
    return PairAgreement(tuple(categories), frozen, n, observed, expected, kappa)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> FleissAgreement:
    """Return Fleiss' kappa from ``counts[i][j]``: how many raters put subject ``i`` in category ``j``.

    Every subject must have the same number of ratings (at least two). Following Fleiss (1971):
    P_i = (sum_j n_ij^2 - n) / (n (n - 1)), P = mean P_i, p_j = sum_i n_ij / (N n), P_e = sum_j p_j^2,
    kappa = (P - P_e) / (1 - P_e); it has no value when P_e = 1 (all ratings in one category).
    """
    rows = [tuple(int(c) for c in row) for row in counts]
    if not rows:
        return FleissAgreement(0, 0, None, None, None, "no records decided by all reviewers")
    raters = {sum(row) for row in rows}
    if len(raters) != 1:
        raise ValueError("Every subject needs the same number of ratings for Fleiss' kappa.")
    n = raters.pop()
    if n < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per subject.")
    if any(c < 0 for row in rows for c in row):
        raise ValueError("Counts cannot be negative.")
    big_n = len(rows)
    per_subject = [(sum(c * c for c in row) - n) / (n * (n - 1)) for row in rows]
    mean_agreement = sum(per_subject) / big_n
    shares = [sum(row[j] for row in rows) / (big_n * n) for j in range(len(rows[0]))]
    expected = sum(p * p for p in shares)
    if abs(1 - expected) < 1e-12:
        return FleissAgreement(
            big_n,
            n,
            mean_agreement,
            expected,
            None,
            "all reviewers used one and the same category only, so chance agreement is 1",
        )
    return FleissAgreement(big_n, n, mean_agreement, expected, (mean_agreement - expected) / (1 - expected))
