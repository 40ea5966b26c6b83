"""Queue order from scores: rank the candidates, and mix in a share of records drawn at random.

Pure functions (no Django). The random share keeps the model from only confirming what it already
knows (records unlike any seen so far still reach a reviewer now and then), as in the "random
sampling" safety net of Cormack & Grossman.

When the random places are used follows the epsilon-greedy rule of reinforcement learning (exploit
what pays, explore when it stops paying): the share applies once the reviewer's last ``1 / share``
decisions (50 at the default 2%) were all irrelevant *and* the model expects no relevant record among
those left (the SVM classes none of them relevant). While the model still expects relevant records, a
random pick would cost a reviewer a likely hit for a chance of a few per cent; once its picks have gone
dry and it expects nothing more, the model is tunnelling on what it knows, a random pick costs nothing
it expects to find and may open a cluster it has not seen. Mixed in from the start, the 2% share cost up
to 0.016 of WSS@95 on our benchmark sets; after dry runs only, up to 0.002 (three records of Kitchenham's
1,702); with the model's own expectation as well, nothing on five sets and a gain on the sixth
(docs/prioritisation.md).

References
----------
Cormack GV, Grossman MR (2015). Autonomy and reliability of continuous active learning for
technology-assisted review. arXiv:1504.06868 (mixing random documents into relevance feedback).
Devroye L (1986). Non-Uniform Random Variate Generation. Springer, section II.3 (the rejection method:
the first of uniform draws that falls in a set is uniform on that set).
Sutton RS, Barto AG (2018). Reinforcement Learning: An Introduction, 2nd ed., section 2.2 (epsilon-greedy
action selection: exploit the best-known choice, explore at random a small share of the time).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

import numpy as np

# One record in fifty, once the model's last fifty picks found nothing: the lead may raise it to 50%.
DEFAULT_RANDOM_SHARE = 0.02


def seed_of(*parts: object) -> int:
    """Return a 64-bit seed fixed by ``parts`` (e.g. review, stage, reviewer and a count), the same in every process."""
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def dry_run_length(share: float) -> int:
    """Return how many irrelevant decisions in a row open the random places: 1 / share (50 at 2%)."""
    return math.ceil(1 / share) if share > 0 else 0


def irrelevant_run(relevant_latest_first: Sequence[bool]) -> int:
    """Return how many of the latest decisions (given newest first) were irrelevant, up to the first hit."""
    for count, relevant in enumerate(relevant_latest_first):
        if relevant:
            return count
    return len(relevant_latest_first)


def known_scores(ids: np.ndarray, scored_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Return the last refit's score of each of ``ids`` (``scored_ids`` sorted ascending); NaN if unscored."""
    known = np.full(len(ids), np.nan)
    if len(scored_ids) and len(ids):
        at = np.minimum(np.searchsorted(scored_ids, ids), len(scored_ids) - 1)
        hit = scored_ids[at] == ids
        known[hit] = scores[at[hit]]
    return known


def expects_relevant(
    ranked_ids: Sequence[int] | np.ndarray, scored_ids: np.ndarray, scores: np.ndarray, relevant_from: float | None
) -> bool:
    """Return True when the model classes at least one candidate relevant (score >= ``relevant_from``).

    ``ranked_ids`` are the candidates as :func:`rank` ordered them, so the highest scores lead and only
    the first 50 are looked at (records imported since the refit take the median score and cannot all
    outrank the rest): 7 ms less than reading all 50,000 of a large review. ``relevant_from`` comes with
    the refit's scores (``model.Scores``); None means it classes no record relevant. Candidates the model
    has not scored yet do not count.
    """
    if relevant_from is None:
        return False
    known = known_scores(np.asarray(ranked_ids[:50], dtype=np.int64), scored_ids, scores)
    return bool(np.any(known >= relevant_from))


def rank(
    candidate_ids: Sequence[int] | np.ndarray, scored_ids: np.ndarray, scores: np.ndarray, *, seed: int
) -> list[int]:
    """Return ``candidate_ids`` from the highest score to the lowest.

    ``scored_ids`` (sorted ascending) and ``scores`` are the last refit's scores. Ties, and candidates
    the model has not scored (imported after its last refit), are ordered at random; unscored
    candidates take the median score, so they are neither buried nor pushed to the front.
    """
    ids = np.asarray(candidate_ids, dtype=np.int64)
    if len(ids) == 0:
        return []
    known = known_scores(ids, scored_ids, scores)
    fill = float(np.nanmedian(known)) if np.isfinite(known).any() else 0.0
    known = np.where(np.isfinite(known), known, fill)
    # Scores are float32 ranks scaled to [0, 1], so distinct scores differ by far more than this jitter:
    # it breaks ties only (one argsort is several times faster than a lexsort).
    jitter = np.random.default_rng(seed).random(len(ids)) * 1e-9
    return ids[np.argsort(-(known + jitter), kind="stable")].tolist()


def follow_order(candidate_ids: Sequence[int] | np.ndarray, order: np.ndarray, *, seed: int) -> list[int]:
    """Return ``candidate_ids`` in the sequence of ``order`` (a refit's ranking of every record it scored).

    The same queue as :func:`rank` on that refit's scores, with its ties as the refit broke them, so the
    page's next record (``services.next_prioritised``) and the queue listed by the API agree. Candidates
    the refit did not score (imported since) go, in a random order, to the middle: the median place.
    """
    ids = np.asarray(candidate_ids, dtype=np.int64)
    in_order = order[np.isin(order, ids)]
    unscored = np.setdiff1d(ids, order)
    if len(unscored) == 0:
        return in_order.tolist()
    middle = (len(in_order) + 1) // 2  # the first record of the order stays first, as the walk finds it
    unscored = np.random.default_rng(seed).permutation(unscored)
    return np.concatenate([in_order[:middle], unscored, in_order[middle:]]).tolist()


def shuffled(candidate_ids: Sequence[int], *, seed: int) -> list[int]:
    """Return ``candidate_ids`` in a random order fixed by ``seed`` (the order without a model)."""
    ids = np.asarray(candidate_ids, dtype=np.int64)
    return np.random.default_rng(seed).permutation(ids).tolist()


def mix_random(
    ranked_ids: Sequence[int] | np.ndarray,
    share: float,
    *,
    seed: int,
    head: int = 1000,
    dry_run: int | None = None,
    model_expects_relevant: bool = False,
) -> list[int]:
    """Return ``ranked_ids`` with each place taken, with probability ``share``, by a random record.

    ``dry_run`` is the number of the reviewer's latest decisions that were irrelevant in a row; below
    :func:`dry_run_length` the ranking is kept as it is, and so it is while ``model_expects_relevant``
    (see the module's docstring and :func:`expects_relevant`). ``dry_run=None`` mixes whatever the run.

    Place by place: a place drawn for chance takes a record drawn uniformly among those not yet placed
    (drawn from all and redrawn when taken), the other places the next record of the ranking not yet
    placed. Every id appears once; the first place is a uniformly random candidate with probability
    exactly ``share``. Only the first ``head`` places are mixed (a reviewer sees one record at a time
    and the queue is recomputed after each decision); the rest follow the ranking.
    """
    if not 0 <= share <= 1:
        raise ValueError(f"The random share must lie between 0 and 1, not {share}.")
    ids = np.asarray(ranked_ids, dtype=np.int64)
    if share == 0 or model_expects_relevant or (dry_run is not None and dry_run < dry_run_length(share)):
        return ids.tolist()
    rng = np.random.default_rng(seed)
    chance = rng.random(min(len(ids), head)) < share
    if not chance.any():
        return ids.tolist()
    taken = bytearray(len(ids))
    placed: list[int] = []
    next_ranked = 0
    for by_chance in chance.tolist():
        if by_chance:
            position = int(rng.integers(len(ids)))
            while taken[position]:
                position = int(rng.integers(len(ids)))
        else:
            while taken[next_ranked]:
                next_ranked += 1
            position = next_ranked
        taken[position] = 1
        placed.append(position)
    rest = np.flatnonzero(np.frombuffer(bytes(taken), dtype=np.uint8) == 0)
    return ids[np.concatenate([np.asarray(placed, dtype=np.int64), rest])].tolist()


# The successive numbers of ids drawn when the first place is a random one (see RandomFirst).
PROBE_SIZES = (64, 1_024, 16_384)


class RandomFirst:
    """Whether the first place of a mixed queue is a random record, and which: one draw per queue.

    The page shows one record at a time, and reading every candidate to draw one costs about 0.3 s at
    50,000 records, so the draw needs only the review's range of record ids: ids are drawn uniformly
    from it, in batches, and the first drawn id that is a candidate is the pick. That is rejection
    sampling, so every candidate is equally likely (Devroye 1986, Non-Uniform Random Variate Generation,
    section II.3). ``seed`` fixes the draw until the reviewer's next decision, so a reload shows the
    same record; the API's queue list draws the same way, so it starts where the page does.
    """

    def __init__(self, seed: int, share: float) -> None:
        self._rng = np.random.default_rng(seed)
        self.is_random = bool(self._rng.random() < share)

    def pick(self, low: int, high: int, first_candidate: Callable[[list[int]], object | None]) -> object | None:
        """Return what ``first_candidate`` gives for the first batch of drawn ids holding a candidate, or None
        when no batch does (so few candidates are left that the draws missed them all)."""
        for size in PROBE_SIZES:
            drawn = self._rng.integers(low, high + 1, size=size)
            _, first_at = np.unique(drawn, return_index=True)
            found = first_candidate(drawn[np.sort(first_at)].tolist())  # each id once, in the order drawn
            if found is not None:
                return found
        return None
