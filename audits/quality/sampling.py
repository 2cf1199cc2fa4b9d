"""Reproducible random samples.

The population is sorted by id before sampling, so the sample depends only on
the seed and the set of ids in scope: anyone re-running the same scope with
the recorded seed gets the same records in the same order.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

MAX_SEED = 2**31 - 1


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED) + 1


def draw(population: Iterable[int], *, size: int, seed: int) -> list[int]:
    """``size`` ids (or all of them, if fewer) chosen with ``seed``."""
    ordered = sorted(set(population))
    # A seeded, reproducible generator is the point here (not secrecy). When
    # every record is taken, it still shuffles, so scoring order is not id order.
    rng = random.Random(seed)  # noqa: S311
    return rng.sample(ordered, min(size, len(ordered)))
