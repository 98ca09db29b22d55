"""The fixed vocabularies: codes stored in the database and written to CSV, with their display labels."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar

from tracker.domain.i18n import N_, _


class Channel(StrEnum):
    OFFICE = "office"
    TERMINAL = "terminal"
    ATM = "atm"
    BANK_APP = "bank_app"
    OPERATOR_APP = "operator_app"
    WEBSITE = "website"
    AUTOPAY = "autopay"
    THIRD_PARTY = "third_party"
    ESIM_APP = "esim_app"
    OTHER = "other"


class Status(StrEnum):
    PENDING = "pending"
    CREDITED = "credited"
    FAILED = "failed"
    DISPUTED = "disputed"
    REFUNDED = "refunded"


class VerifiedBy(StrEnum):
    SMS = "sms"
    BALANCE_CHECK = "balance_check"
    APP = "app"
    RECEIPT = "receipt"
    STATEMENT = "statement"


class RefKind(StrEnum):
    RECEIPT = "receipt"
    TRANSACTION = "transaction"
    TERMINAL = "terminal"
    ORDER = "order"
    OTHER = "other"


class SimKind(StrEnum):
    SIM = "sim"
    ESIM = "esim"


class SortKey(StrEnum):
    """What a list of top-ups can be sorted by: each has an index that walks it in order, then by time."""

    WHEN = "when"
    LINE = "line"
    AMOUNT = "amount"
    STATUS = "status"


class Source(StrEnum):
    """Where a change came from, recorded in the history."""

    CLI = "cli"
    TUI = "tui"
    IMPORT = "import"


class ReceiptState(StrEnum):
    """What a look at a stored receipt file finds."""

    INTACT = "intact"
    MISSING = "missing"  # the file is gone from the store
    DAMAGED = "damaged"  # its bytes no longer hash to its name


# Statuses whose money left the user's pocket.
SPENDING_STATUSES = (Status.PENDING, Status.CREDITED, Status.DISPUTED)

# What a report breaks spending down by (`topup report --by`), in the order it shows them.
DIMENSIONS = ("line", "operator", "channel", "provider")
# The key of the top-ups a breakdown has no value for (no operator, no provider): kept as it is in JSON and CSV,
# shown in the reader's language in tables (`views.shown_key`).
NONE_KEY = "(none)"


# Each vocabulary's labels apart: a StrEnum member equals its code, so Channel.TERMINAL and RefKind.TERMINAL
# ("terminal") would be one key in a dict of members, and a terminal top-up would read "terminal no.".
LABELS: dict[type[StrEnum], dict[str, str]] = {
    Channel: {
        "office": N_("operator office"), "terminal": N_("terminal or shop"), "atm": N_("ATM"),
        "bank_app": N_("bank app"), "operator_app": N_("operator app"), "website": N_("website"),
        "autopay": N_("auto top-up"), "third_party": N_("third-party payment"), "esim_app": N_("eSIM app"),
        "other": N_("other"),
    },
    Status: {
        "pending": N_("pending"), "credited": N_("credited"), "failed": N_("failed"), "disputed": N_("disputed"),
        "refunded": N_("refunded"),
    },
    VerifiedBy: {
        "sms": N_("SMS"), "balance_check": N_("balance check"), "app": N_("app"), "receipt": N_("receipt"),
        "statement": N_("statement"),
    },
    RefKind: {
        "receipt": N_("receipt no."), "transaction": N_("transaction id"), "terminal": N_("terminal no."),
        "order": N_("order no."), "other": N_("other"),
    },
    SimKind: {"sim": N_("SIM"), "esim": N_("eSIM")},
}  # fmt: skip


def label(value: StrEnum) -> str:
    """The translated, human label of a vocabulary code, looked up in its own vocabulary."""
    found = LABELS.get(type(value), {}).get(value.value)
    return _(found) if found else str(value)


def choices(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


E = TypeVar("E", bound=StrEnum)


def parse_choice(enum: type[E], text: str, field: str) -> E:
    """Read a vocabulary code as typed (any letter case, `-` for `_`), refusing anything else by name."""
    from tracker.domain.errors import field_error

    try:
        return member(enum, text)
    except ValueError:
        raise field_error(
            field,
            text,
            _("not a known value"),
            _("one of: {codes}").format(codes=", ".join(choices(enum))),
        ) from None


@cache
def member(enum: type[E], code: str) -> E:
    """A code (as typed or as stored) as its enum member; cached, because an import or an export meets the same
    few codes a million times and Enum's own lookup is slow at that scale. ValueError when it is not one."""
    return enum(code.strip().lower().replace("-", "_").replace(" ", "_"))


# How a CSV's bytes may be read: "auto" is UTF-8 when every byte decodes, else cp1251 (Excel on Russian Windows).
ENCODINGS = ("utf-8", "utf-8-sig", "cp1251", "auto")
