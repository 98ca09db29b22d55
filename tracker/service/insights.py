"""The facade's insights: monthly reports, checks and their acknowledgements, save-time warnings, rates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tracker.domain.errors import Conflict, NotFound, field_error
from tracker.domain.i18n import _
from tracker.domain.money import parse_currency, to_minor
from tracker.domain.phones import in_message, parse_phone
from tracker.domain.records import DIMENSIONS, KINDS, CheckOptions, CheckResult, Glance, NewTopUp, Report
from tracker.flows.reports.rates import parse_rate, set_rate
from tracker.flows.warnings import warnings_before_saving
from tracker.service.base import ServiceBase
from tracker.storage.models import Acknowledgement, Line, Rate
from tracker.storage.stopping import stoppable

# tracker.flows.reports.build imports pandas: it is imported when a report is first made, so opening the app or
# running a quick command never waits for pandas.


class InsightsPart(ServiceBase):
    def report(
        self,
        first: date,
        last: date,
        *,
        line: str | None = None,
        base: str | None = None,
        dimensions: tuple[str, ...] = DIMENSIONS,
        top: int | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Report:
        """Monthly spending for first..last (local months); `base` converts with named rates or refuses; only the
        breakdowns named in `dimensions` are made, and of a single month's only the `top` keys, if given. `stop`,
        as for `check`, abandons it with `Cancelled`."""
        if last < first:
            raise field_error("--to", last.strftime("%Y-%m"), _("it is before --from"))
        from tracker.flows.reports.build import build_report

        currency = parse_currency(base, "--base") if base else None
        with self._tx(read_only=True) as s, stoppable(s, stop):
            number = None
            if line:
                e164 = parse_phone(line).e164
                number = s.scalar(select(Line.number).where(Line.number == e164))
                if number is None:
                    raise NotFound(_("no line {number}").format(number=in_message(e164)), where="--line")
            return build_report(
                s, self.settings.zone, first, last, line=number, base=currency, dimensions=dimensions, top=top
            )

    def glance(self, month: date, *, stop: Callable[[], bool] | None = None) -> Glance:
        """`month` (local) at a glance, with the twelve months before: the dashboard's figures, the same as the
        month's report gives, without its breakdowns and without importing pandas."""
        from tracker.flows.reports.glance import glance

        with self._tx(read_only=True) as s, stoppable(s, stop):
            return glance(s, self.settings.zone, month)

    def check(self, options: CheckOptions | None = None, *, stop: Callable[[], bool] | None = None) -> CheckResult:
        """The findings; `stop` is asked while the checks run (on SQLite), and once it says so they are abandoned
        with `Cancelled`, so a screen the user has left stops costing the one they went to."""
        from tracker.flows.checks import run_checks  # with the checks, not with the facade (as the importer)

        with self._tx(read_only=True) as s, stoppable(s, stop):
            return run_checks(
                s, self.store, self.clock.now(), options or CheckOptions(), self.zone, self.settings.receipt_minutes
            )

    def acknowledge(self, topup_id: int | str, kind: str) -> None:
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

    def warnings_for(self, new: NewTopUp) -> list[str]:
        """What to confirm before saving: an unusual amount, or a possible double charge."""
        with self._tx(read_only=True) as s:
            line_id, currency = s.execute(select(Line.id, Line.currency).where(Line.number == new.line)).first() or (
                None, None)  # fmt: skip
            minor = to_minor(new.amount, new.currency)
            found = warnings_before_saving(
                s, line_id, minor, new.currency, new.occurred_at, new.channel.value, new.status.value
            )
        if currency and currency != new.currency:  # `--currency usd` on a tenge line is a typo more often than not
            found.append(_("this line is kept in {line}, this top-up is in {currency}").format(
                line=currency, currency=new.currency))  # fmt: skip
        return found

    def set_rate(self, currency: str, base: str, rate: str, valid_from: date) -> Decimal:
        value = parse_rate(rate)
        with self._tx() as s:
            set_rate(s, parse_currency(currency), parse_currency(base, "base"), value, valid_from)
        return value

    def list_rates(self) -> list[tuple[str, str, date, Decimal]]:
        with self._tx(read_only=True) as s:
            rows = s.execute(
                select(Rate.currency, Rate.base, Rate.valid_from, Rate.rate).order_by(
                    Rate.currency, Rate.base, Rate.valid_from
                )
            ).all()
            return [(c, b, d, Decimal(r)) for c, b, d, r in rows]
