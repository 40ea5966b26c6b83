"""How many relevant records remain unscreened: the hypergeometric method of Callaghan & Mueller-Hansen.

The idea (Callaghan & Mueller-Hansen 2020): when records are screened in prioritised order, the last n
records screened were, at the time, the ones the model thought *most* likely relevant among the records
then left. Treating them as if they were a simple random sample of those records therefore over-states
how rich the remaining records are: estimates and bounds built on that assumption are conservative. The
paper uses it to test the hypothesis "recall is below the target" with the hypergeometric distribution,
for every window of the last n records, and stops when the smallest p-value falls below alpha.

We use the same model to estimate, and bound, the number of relevant records still unscreened: for a
window of the last n records, drawn from a pool of N_w records holding K relevant of which k were seen in
the window, the remaining count is K - k; its upper confidence bound inverts the hypergeometric
distribution, and its point estimate is the median-unbiased value of K. The window reported is the one
with the smallest upper bound (the most informative), as the paper takes the smallest p-value over
windows. The interval is one-sided, [0, upper]: the assumption errs on the high side, so it yields a
valid upper bound but no valid lower bound (early in a run, when the last records were rich, the
"lower bound" of a two-sided interval would exceed the truth).

References
----------
Callaghan MW, Mueller-Hansen F (2020). Statistical stopping criteria for automated screening in
systematic reviews. Systematic Reviews 9:273. doi:10.1186/s13643-020-01521-4
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy.stats import hypergeom

METHOD = "Hypergeometric estimate over the last-screened records (Callaghan & Mueller-Hansen 2020)"
CITATION = (
    "Callaghan MW, Mueller-Hansen F. Statistical stopping criteria for automated screening in systematic "
    "reviews. Systematic Reviews 2020;9:273. doi:10.1186/s13643-020-01521-4"
)
DEFAULT_CONFIDENCE = 0.95
DEFAULT_TARGET_RECALL = 0.95
# Binary searches over K halve [0, N] each step; 2**40 exceeds any review's size.
_SEARCH_STEPS = 40


class StoppingEstimate(NamedTuple):
    """An estimate of the relevant records left unscreened, with its interval and the test of the paper.

    ``remaining`` is the point estimate (it errs high); ``remaining_low`` .. ``remaining_high`` the
    one-sided interval at ``confidence`` (``remaining_low`` is always 0); ``p_value`` the paper's
    p-value for "recall is below ``target_recall``" (a lead may stop when it is below 1 - confidence).
    The numeric fields are None while nothing has been screened.
    """

    method: str
    citation: str
    records: int
    screened: int
    relevant_found: int
    remaining: float | None
    remaining_low: int | None
    remaining_high: int | None
    confidence: float
    target_recall: float
    p_value: float | None
    window: int | None
    note: str

    @property
    def recall_estimate(self) -> float | None:
        """Return relevant found / (found + estimated remaining), or None without an estimate."""
        if self.remaining is None:
            return None
        total = self.relevant_found + self.remaining
        return 1.0 if total == 0 else self.relevant_found / total


class _Windows(NamedTuple):
    """For every window of the last n screened records: n, pool size N_w, relevant seen k."""

    n: np.ndarray
    pool: np.ndarray
    k: np.ndarray


def _windows(labels_in_order: np.ndarray, total: int) -> _Windows:
    m = len(labels_in_order)
    n = np.arange(1, m + 1)
    # k[n-1] = relevant among the last n screened: a cumulative sum from the end.
    k = np.cumsum(labels_in_order[::-1].astype(np.int64))
    pool = total - (m - n)
    return _Windows(n=n, pool=pool, k=k)


def _largest_k_with_cdf_at_least(w: _Windows, level: float) -> np.ndarray:
    """Largest K (relevant in the pool) with P(X <= k | K) >= level; the cdf falls as K grows."""
    lo = w.k.copy()  # with K = k every draw has X <= k, so the cdf is 1: K = k always qualifies
    hi = w.pool - (w.n - w.k)
    for _ in range(_SEARCH_STEPS):
        if np.all(lo >= hi):
            break
        mid = (lo + hi + 1) // 2
        ok = hypergeom.cdf(w.k, w.pool, mid, w.n) >= level
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid - 1)
    return lo


def recall_test_p_value(labels_in_order: Sequence[bool] | np.ndarray, total: int, target_recall: float) -> float:
    """Return the paper's p-value for H0 "recall < target_recall" (the smallest over all windows).

    Under H0 the review holds at least K_tar = floor(found / target) + 1 relevant records, so the pool of
    a window holds K_tar - (found - k) of them; p is P(X <= k) for a hypergeometric draw of n from it.
    """
    labels = np.asarray(labels_in_order, dtype=bool)
    if len(labels) == 0:
        return 1.0
    found = int(labels.sum())
    k_target = math.floor(found / target_recall) + 1
    w = _windows(labels, total)
    k_pool = k_target - (found - w.k)
    # A pool too small to hold that many relevant records rejects H0 outright.
    impossible = k_pool > w.pool - (w.n - w.k)
    p = np.where(impossible, 0.0, hypergeom.cdf(w.k, w.pool, np.minimum(k_pool, w.pool), w.n))
    return float(np.clip(p.min(), 0.0, 1.0))


def stopping_estimate(
    labels_in_order: Sequence[bool] | np.ndarray,
    total: int,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    target_recall: float = DEFAULT_TARGET_RECALL,
) -> StoppingEstimate:
    """Return the estimate of relevant records left among ``total`` after screening in this order.

    ``labels_in_order`` holds the screened records' labels (relevant = True) in the order they were
    screened; the rest of the ``total`` records are unscreened.
    """
    if not 0 < confidence < 1 or not 0 < target_recall <= 1:
        raise ValueError("confidence must lie in (0, 1) and target_recall in (0, 1].")
    labels = np.asarray(labels_in_order, dtype=bool)
    if len(labels) > total:
        raise ValueError(f"{len(labels)} records screened but the review holds only {total}.")
    found = int(labels.sum())
    base = {
        "method": METHOD,
        "citation": CITATION,
        "records": total,
        "screened": len(labels),
        "relevant_found": found,
        "confidence": confidence,
        "target_recall": target_recall,
    }
    if len(labels) == 0:
        return StoppingEstimate(
            **base,
            remaining=None,
            remaining_low=None,
            remaining_high=None,
            p_value=None,
            window=None,
            note="Nothing screened yet: no estimate.",
        )
    if len(labels) == total:
        return StoppingEstimate(
            **base,
            remaining=0.0,
            remaining_low=0,
            remaining_high=0,
            p_value=0.0,
            window=None,
            note="Every record has been screened.",
        )
    w = _windows(labels, total)
    high = _largest_k_with_cdf_at_least(w, 1.0 - confidence) - w.k
    best = int(np.argmin(high))  # the first (smallest) window among ties: the most recent evidence
    one = _Windows(n=w.n[best : best + 1], pool=w.pool[best : best + 1], k=w.k[best : best + 1])
    median = int(_largest_k_with_cdf_at_least(one, 0.5)[0] - one.k[0])
    return StoppingEstimate(
        **base,
        remaining=float(median),
        remaining_low=0,
        remaining_high=int(high[best]),
        p_value=recall_test_p_value(labels, total, target_recall),
        window=int(w.n[best]),
        note=f"Based on the last {int(w.n[best])} records screened, treated as a random sample of the "
        "records then left; prioritised screening makes the estimate err on the high side.",
    )
