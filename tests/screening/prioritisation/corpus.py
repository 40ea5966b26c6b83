"""A small synthetic corpus for the pure-core tests: relevant records share a vocabulary."""

from __future__ import annotations

import numpy as np

RELEVANT_WORDS = "menatetrenone vitamin k2 bone mineral density fracture postmenopausal osteoporosis".split()  # noqa: SIM905
OTHER_WORDS = "statin cholesterol myocardial infarction cardiology blood pressure stroke heart".split()  # noqa: SIM905
COMMON_WORDS = "randomised trial patients study results methods outcome group analysis years".split()  # noqa: SIM905


def synthetic_corpus(n_relevant: int = 20, n_other: int = 180, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Return texts and labels: relevant texts draw most words from one topic, the others from another."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for is_relevant in [True] * n_relevant + [False] * n_other:
        topic = RELEVANT_WORDS if is_relevant else OTHER_WORDS
        words = list(rng.choice(topic, 6)) + list(rng.choice(COMMON_WORDS, 8))
        texts.append(" ".join(words))
        labels.append(is_relevant)
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], np.asarray(labels)[order]
