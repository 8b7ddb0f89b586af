"""Cache keys for the batch path: a case's raw projection as a tuple (built at C level where it
can be), and tokens that keep `True`, `1`, `1.0` and `Decimal(1)` — and `1.0` and `1.00` — apart."""

from __future__ import annotations

import operator
from decimal import Decimal
from typing import Any, Callable, Final, TypeVar

K = TypeVar("K")
V = TypeVar("V")

KeyOf = Callable[[dict[str, Any]], tuple[Any, ...]]

# A raw value that does not read as its field's type (in a cache that maps raw → typed).
BAD: Final = object()


def key_functions(names: tuple[str, ...]) -> tuple[KeyOf, KeyOf]:
    """(fast, fallback): the raw projection of a case as a tuple; the fast one is C-level and
    raises KeyError when a field is absent, the fallback reads absent fields as None."""
    fast: KeyOf
    if len(names) >= 2:
        fast = operator.itemgetter(*names)
    elif len(names) == 1:
        getter = operator.itemgetter(names[0])

        def fast(case: dict[str, Any]) -> tuple[Any, ...]:
            return (getter(case),)
    else:
        def fast(case: dict[str, Any]) -> tuple[Any, ...]:
            return ()

    def fallback(case: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(map(case.get, names))

    return fast, fallback


def tuple_getter(indices: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The values at `indices` of a tuple, as a tuple."""
    if len(indices) >= 2:
        return operator.itemgetter(*indices)
    if len(indices) == 1:
        i = indices[0]
        return lambda values: (values[i],)
    return lambda values: ()


def typed_token(value: Any) -> Any:
    """A typed value as a cache key that tells bool/int/Decimal apart, and 1.0 from 1.00."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return (Decimal, str(value))
    return (type(value), value)


def raw_token(value: Any) -> Any:
    """A raw value as a cache key: strings and None as they are, anything else with its type
    (and its spelling, so `Decimal("1.0")` and `Decimal("1.00")` stay apart)."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is Decimal or kind is float:
        return (kind, repr(value))
    return (kind, value)


def remember(cache: dict[K, V], key: K, value: V, limit: int) -> None:
    """Put an entry in a bounded cache, emptying it first when it is full."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
