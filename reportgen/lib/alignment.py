"""Order-keeping pairing of alike items between two versions: aligns both rendered documents and content models."""

from __future__ import annotations

import difflib
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
_MAX_CELLS = 20_000  # above this, a replaced stretch is paired by position instead (rare and slow)


def word_similarity(a: str, b: str, floor: float = 0.0) -> float:
    """The word-level difflib ratio of two texts (0..1); 0 when cheap bounds show it is under `floor`."""
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def pair(old: Sequence[T], new: Sequence[T], similarity: Callable[[T, T], float],
         threshold: float) -> list[tuple[int, int]]:
    """Pairs (i, j), in order, of items at least `threshold` alike, the most alike overall (a small DP)."""
    n, m = len(old), len(new)
    if n * m > _MAX_CELLS:
        return [(k, k) for k in range(min(n, m)) if similarity(old[k], new[k]) >= threshold]
    sims = [[similarity(a, b) for b in new] for a in old]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sims[i][j] >= threshold:
                best = max(best, sims[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sims[i][j] >= threshold and score[i][j] == sims[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs
