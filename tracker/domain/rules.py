"""The rules behind two warnings, each written once: "unusual amount" and "possible double charge".

`topup check` applies them in SQL over every top-up; the form and `topup add` apply them in Python to the one
top-up about to be saved. Each predicate is plain arithmetic and comparison, which SQLAlchemy column expressions
support too, so both callers pass their own operands to the same function and cannot drift apart (a property test
holds the two equal on generated histories).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tracker.domain.money import from_minor, precision

DOUBLE_CHARGE_MINUTES = 15
UNUSUAL_FACTOR = 5
UNUSUAL_MIN_HISTORY = 3  # a median of fewer spending top-ups says nothing about what is usual
NEW_NUMBER_DAYS = 7


def is_unusual(amount: Any, middle_sum: Any, middle_count: Any) -> Any:
    """More than UNUSUAL_FACTOR times the line's median, the median being `middle_sum / middle_count` (the middle
    one or two amounts). Compared in integers, as money is: amount × count > factor × sum."""
    return amount * middle_count > UNUSUAL_FACTOR * middle_sum


def is_double_charge(seconds_apart: Any) -> Any:
    """Two top-ups taking the same amount for the same line this close together: a retry after a dropped
    connection may have charged twice. `seconds_apart` is never negative."""
    return seconds_apart <= DOUBLE_CHARGE_MINUTES * 60


def middle_positions(count: int) -> tuple[int, int]:
    """The 1-based positions of the middle amount (twice, for an odd count) or the two middle amounts."""
    return (count + 1) // 2, (count + 2) // 2


def median_amount(middle_sum: int, middle_count: int, currency: str) -> Decimal:
    """The median as an amount to show, rounded half-even to the currency's minor unit."""
    exact = from_minor(middle_sum, currency) / middle_count
    return exact.quantize(Decimal(1).scaleb(-precision(currency)), rounding=ROUND_HALF_EVEN)
