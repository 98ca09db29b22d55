"""A source row as canonical text fields: the profile's columns, filters, derived and mapped values, amounts."""

from __future__ import annotations

from decimal import Decimal

from tracker.domain.errors import InvalidInput, InvalidInputs, field_error
from tracker.domain.formulas import unescape
from tracker.domain.i18n import _
from tracker.domain.money import parse_number
from tracker.domain.records import ImportReport
from tracker.flows.importing.profile import Profile

AMOUNT_FIELDS = ("amount", "paid_amount", "fee", "credited_amount")


def values_of(cells: list[str], index: dict[str, int]) -> dict[str, str]:
    return {f: cells[i] for f, i in index.items() if i < len(cells)}


def to_canonical(cells: list[str], index: dict[str, int], profile: Profile, line: str | None) -> dict[str, str] | None:
    """A source row as canonical text fields, or None when the profile's filter leaves it out."""
    values = values_of(cells, index)
    for key, pattern in profile.filters.items():
        if not pattern.search(values.get(key, "")):
            return None
    for target, (source, rules) in profile.derive.items():
        for pattern, value in rules:
            if pattern.search(values.get(source, "")):
                values[target] = value
                break
    for key, mapping in profile.maps.items():
        if values.get(key, "").strip().lower() in mapping:
            values[key] = mapping[values[key].strip().lower()]
    for key, value in profile.defaults.items():
        if not values.get(key, "").strip():
            values[key] = value
    if line and not values.get("line", "").strip():
        values["line"] = line
    if profile.unescape_formulas:
        for key in [k for k, v in values.items() if v[:1] == "'"]:  # only an escaped cell starts with a quote
            values[key] = unescape(values[key])
    if not profile.is_canonical:
        _normalise_amounts(values, profile)
    return values


def _normalise_amounts(values: dict[str, str], profile: Profile) -> None:
    """Amounts in the source's own notation and sign convention become canonical text."""
    errors = []
    for key in AMOUNT_FIELDS:
        text = values.get(key, "").strip()
        if not text:
            continue
        try:
            value = parse_number(text, field=key, decimal_mark=profile.decimal_mark)
        except InvalidInput as exc:
            errors.append(exc)
            continue
        if key == "amount" and profile.sign == "negative":
            if value > 0:
                errors.append(field_error(key, text, _("a payment is negative in this source")))
                continue
            value = -value
        elif profile.sign == "any":
            value = abs(value)
        values[key] = f"{value:f}"
    if errors:
        raise InvalidInputs(errors)


def count_filtered(report: ImportReport, values: dict[str, str], profile: Profile) -> None:
    """A row the profile leaves out, counted by its operation (and its amount summed) for the report."""
    report.filtered += 1
    operation = values.get("operation", "").strip()  # "" where the source has no operation column
    try:
        amount = parse_number(values.get("amount", "") or "0", decimal_mark=profile.decimal_mark)
    except InvalidInput:
        amount = Decimal(0)
    count, total = report.filtered_by.get(operation, (0, Decimal(0)))
    report.filtered_by[operation] = [count + 1, total + amount]
