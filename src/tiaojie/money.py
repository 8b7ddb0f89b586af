"""Money: exact Decimal yuan in, integer fen stored, half-up rounding to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
# The largest amount the ledger takes anywhere money enters (rule files, forms, imports, commands):
# one hundred billion yuan — far above any county's figures, and far inside the 64-bit fen columns.
MAX_YUAN = Decimal("100000000000")


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money."""


def parse_yuan(value: object) -> Decimal:
    """Read an amount in yuan exactly. Floats are refused: they cannot hold 0.1 exactly."""
    if isinstance(value, bool):
        raise MoneyError(f"not an amount: {value!r}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise MoneyError(f"not an amount: {value!r}") from None
    elif isinstance(value, float):
        # JSON or TOML read without parse_float=Decimal: use the shortest repr, which is what was typed.
        amount = Decimal(repr(value))
    else:
        raise MoneyError(f"not an amount: {value!r}")
    if not amount.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    if abs(amount) > MAX_YUAN:
        raise MoneyError(f"beyond the ledger's range (at most {MAX_YUAN} yuan): {value!r}")
    return amount


def round_fen(amount: Decimal) -> Decimal:
    """Round half-up to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen, rounding half-up."""
    return int(round_fen(amount) * 100)


def exact_fen(amount: Decimal) -> int | None:
    """Yuan → integer fen when the amount has at most two decimals, else None."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        return None
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(amount: Decimal) -> str:
    """'500.00' — two places, half-up."""
    return str(round_fen(amount))
