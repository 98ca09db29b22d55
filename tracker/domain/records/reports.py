"""A monthly spending report as the CLI and the app receive it: exact amounts per currency, never added across."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RateUsed:
    month: date
    currency: str
    base: str
    rate: Decimal
    source: str  # "recorded 2026-11-01" or "implied by 3 top-ups"


@dataclass(frozen=True)
class Breakdown:
    """One key's spending (a line, an operator, …): `count` over every currency, `counts` and `spent` per currency,
    so a row per currency carries its own count."""

    key: str
    count: int
    spent: dict[str, Decimal]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class MonthReport:
    month: date
    count: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # spending top-ups per spent currency
    spent: dict[str, Decimal] = field(default_factory=dict)
    fees: dict[str, Decimal] = field(default_factory=dict)
    credited: dict[str, Decimal] = field(default_factory=dict)
    shortfall: dict[str, Decimal] = field(default_factory=dict)
    average: dict[str, Decimal] = field(default_factory=dict)
    apart: dict[str, tuple[int, dict[str, Decimal]]] = field(default_factory=dict)  # failed / refunded
    breakdowns: dict[str, list[Breakdown]] = field(default_factory=dict)
    reference_share: Decimal | None = None
    receipt_share: Decimal | None = None
    confirmed_share: Decimal | None = None  # a receipt read and agreeing with the top-up
    verified_share: Decimal | None = None
    vs_previous: dict[str, Decimal | None] = field(default_factory=dict)
    vs_average: dict[str, Decimal | None] = field(default_factory=dict)
    converted: Decimal | None = None  # spent in the base currency, when asked for


@dataclass
class Report:
    zone: str
    months: list[MonthReport]
    total: MonthReport
    base: str | None = None
    rates: list[RateUsed] = field(default_factory=list)
    history: dict[date, dict[str, Decimal]] = field(default_factory=dict)  # spent per month, for the chart


@dataclass(frozen=True)
class Glance:
    """A month at a glance, as the dashboard shows it: its spending, top-ups and shortfall per currency, and the
    spending of it and the twelve months before, for the comparison and the chart. The same figures as the month's
    `Report`, from the database alone (no breakdowns, no pandas)."""

    month: date
    spent: dict[str, Decimal]
    counts: dict[str, int]
    shortfall: dict[str, Decimal]
    history: dict[date, dict[str, Decimal]]
