"""The fixed vocabularies: codes stored in the database and written to CSV, with their display labels."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar

from tracker.domain.i18n import _


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


def label(value: StrEnum) -> str:
    """The translated, human label of a vocabulary code."""
    labels = {
        Channel.OFFICE: _("operator office"),
        Channel.TERMINAL: _("terminal or shop"),
        Channel.ATM: _("ATM"),
        Channel.BANK_APP: _("bank app"),
        Channel.OPERATOR_APP: _("operator app"),
        Channel.WEBSITE: _("website"),
        Channel.AUTOPAY: _("auto top-up"),
        Channel.THIRD_PARTY: _("third-party payment"),
        Channel.ESIM_APP: _("eSIM app"),
        Channel.OTHER: _("other"),
        Status.PENDING: _("pending"),
        Status.CREDITED: _("credited"),
        Status.FAILED: _("failed"),
        Status.DISPUTED: _("disputed"),
        Status.REFUNDED: _("refunded"),
        VerifiedBy.SMS: _("SMS"),
        VerifiedBy.BALANCE_CHECK: _("balance check"),
        VerifiedBy.APP: _("app"),
        VerifiedBy.RECEIPT: _("receipt"),
        VerifiedBy.STATEMENT: _("statement"),
        RefKind.RECEIPT: _("receipt no."),
        RefKind.TRANSACTION: _("transaction id"),
        RefKind.TERMINAL: _("terminal no."),
        RefKind.ORDER: _("order no."),
        RefKind.OTHER: _("other"),
        SimKind.SIM: _("SIM"),
        SimKind.ESIM: _("eSIM"),
    }
    return labels.get(value, str(value))


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
