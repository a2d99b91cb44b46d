"""Amounts of money as people and files give them: exact, never a float."""

from __future__ import annotations

from decimal import Decimal

from storage.errors import InvalidChange
from storage.types import CENT


def exact_amount(field: str, value: Decimal | int | str) -> Decimal:
    """A two-place Decimal from Decimal, int or text; InvalidChange(field) for a float
    (binary noise), text that is no number, infinity, or more than two decimal places."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise InvalidChange(field, "expected_amount")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise InvalidChange(field, "not_number", value=value) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise InvalidChange(field, "two_places")
    return amount.quantize(CENT)
