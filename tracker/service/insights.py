"""The facade's report, check, rate and receipt-verification methods, mixed into `Tracker`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker.domain.errors import Conflict, NotFound, field_error
from tracker.domain.i18n import _
from tracker.domain.money import parse_currency, to_minor
from tracker.domain.records import NewTopUp
from tracker.flows.reports.rates import parse_rate, set_rate
from tracker.storage.models import Acknowledgement, Line, Rate, Receipt, TopUp

if TYPE_CHECKING:
    from tracker.flows.checks import CheckOptions, CheckResult
    from tracker.flows.reports.build import Report
    from tracker.service.facade import Tracker

# tracker.flows.checks and tracker.flows.reports.build import pandas: they are imported when first used, so
# opening the app or running a quick command never waits for pandas.


class Analysis:
    def report(self: Tracker, first: date, last: date, *, line: str | None = None, base: str | None = None) -> Report:
        """Monthly spending for first..last (local months); `base` converts with named rates or refuses."""
        if last < first:
            raise field_error("--to", last.strftime("%Y-%m"), _("it is before --from"))
        from tracker.flows.reports.build import build_report

        number = None
        if line:
            found = self.get_line(line)
            if found is None:
                raise NotFound(_("no line {number}").format(number=line), where="--line")
            number = found.number
        return build_report(
            self.engine,
            self.settings.zone,
            first,
            last,
            line=number,
            base=parse_currency(base, "--base") if base else None,
        )

    def check(self: Tracker, options: CheckOptions | None = None) -> CheckResult:
        from tracker.flows.checks import CheckOptions, run_checks

        with self._tx() as s:
            return run_checks(s, self.store, self.clock.now(), options or CheckOptions())

    def acknowledge(self: Tracker, topup_id: int | str, kind: str) -> None:
        from tracker.flows.checks import KINDS

        if kind not in KINDS:
            raise field_error("kind", kind, _("not a kind of finding"), _("one of: {k}").format(k=", ".join(KINDS)))
        with self._tx() as s:
            topup, _line = self._topup(s, topup_id)
            exists = select(Acknowledgement.id).where(
                Acknowledgement.topup_id == topup.id, Acknowledgement.kind == kind
            )
            if s.scalar(exists) is not None:
                raise Conflict(_("already acknowledged"))
            s.add(Acknowledgement(topup_id=topup.id, kind=kind, at=self.clock.now()))

    def warnings_for(self: Tracker, new: NewTopUp) -> list[str]:
        """What to confirm before saving: an unusual amount, or a possible double charge."""
        from tracker.flows.checks import check_new

        with self._tx() as s:
            line_id = s.scalar(select(Line.id).where(Line.number == new.line))
            return check_new(
                s, line_id, to_minor(new.amount, new.currency), new.currency, new.occurred_at, new.channel.value
            )

    def set_rate(self: Tracker, currency: str, base: str, rate: str, valid_from: date) -> Decimal:
        value = parse_rate(rate)
        with self._tx() as s:
            set_rate(s, parse_currency(currency), parse_currency(base, "base"), value, valid_from)
        return value

    def list_rates(self: Tracker) -> list[tuple[str, str, date, Decimal]]:
        with self._tx() as s:
            rows = s.execute(
                select(Rate.currency, Rate.base, Rate.valid_from, Rate.rate).order_by(
                    Rate.currency, Rate.base, Rate.valid_from
                )
            ).all()
            return [(c, b, d, Decimal(r)) for c, b, d, r in rows]

    def verify_receipts(self: Tracker) -> tuple[int, list[tuple[str, str, int]]]:
        """Re-hash every stored receipt; returns (files checked, [(sha, name, top-up id)] of the damaged)."""
        with self._tx() as s:
            rows = s.execute(
                select(Receipt.sha256, Receipt.original_name, Receipt.topup_id)
                .join(TopUp, TopUp.id == Receipt.topup_id)
                .order_by(Receipt.id)
            ).all()
        verdicts: dict[str, bool] = {}
        damaged = []
        for sha, name, topup_id in rows:
            if sha not in verdicts:
                verdicts[sha] = self.store.intact(sha)
            if not verdicts[sha]:
                damaged.append((sha, name, topup_id))
        return len(verdicts), damaged
