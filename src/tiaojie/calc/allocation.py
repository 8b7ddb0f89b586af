"""Split a pool of fen by weights so that the parts sum exactly to the pool (largest remainder)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Sequence


def largest_remainder(pool_fen: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Each part is floor(pool × w / W) fen; the fen left over go one each to the largest
    remainders, ties to the earlier entry. Never negative; sums to the pool whenever W > 0."""
    n = len(weights)
    if pool_fen <= 0 or n == 0:
        return [0] * n
    exact_weights = [Fraction(str(w)) if isinstance(w, Decimal) else Fraction(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("weights must not be negative")
    total = sum(exact_weights)
    if total == 0:
        return [0] * n
    shares = [pool_fen * w / total for w in exact_weights]
    parts = [int(s) for s in shares]  # floor: shares are never negative
    left = pool_fen - sum(parts)
    order = sorted(range(n), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
