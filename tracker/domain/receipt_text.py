"""Reading a receipt's fields out of its text and its fiscal QR code: pure functions, no files, no libraries.

A receipt says things in labelled lines: "Сумма: 3 000 ₸", "Дата и время: 18.10.2026 09:41", "Квитанция № 123",
"Комиссия: 50 тг", "Номер телефона: +7 701 *** ** 67", in Russian, Kazakh, English or Chinese. A field is taken
from the line whose label says what it is; an amount is read by money's own rules (so `1,234` stays ambiguous
and is not guessed), a time by the clock's (in the user's zone). Kazakhstan's fiscal receipts carry a QR code
pointing at the fiscal data operator (`http://consumer.oofd.kz?i=…&f=…&s=2000.00&t=20261124T140512`): its sum
and time are exact, so they win over anything read from text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tracker.domain.clock import DEFAULT_ZONE, localize, parse_instant
from tracker.domain.clock import zone as load_zone
from tracker.domain.errors import InvalidInput
from tracker.domain.money import implied_currency, parse_number
from tracker.domain.operators import find_operator

FISCAL_ZONE = load_zone(DEFAULT_ZONE)  # the whole country keeps one time (UTC+5) since March 2024
# Hosts of Kazakhstan's fiscal data operators whose receipt links carry i (check), f (register), s (sum), t (time).
FISCAL_HOSTS = ("oofd.kz", "ofd1.kz", "kofd.kz", "wofd.kz", "ofd.kz", "kazakhtelecom.kz")

# Labels, lower case, most specific first. An amount line is never a commission or a balance line.
AMOUNT_LABELS = ("итого к оплате", "к оплате", "сумма платежа", "сумма оплаты", "итого", "сумма", "барлығы",
                 "төлем сомасы", "сомасы", "сома", "amount paid", "total", "amount", "sum", "实付金额", "实付",
                 "支付金额", "付款金额", "合计", "金额")  # fmt: skip
FEE_LABELS = ("комиссия", "комиссиясы", "commission", "fee", "手续费", "服务费")
NOT_AMOUNT = ("комисс", "commission", "fee", "手续费", "服务费", "баланс", "balance", "остаток", "қалдық", "余额",
              "сдача", "change", "внесено", "cash in", "найти", "рейтинг")  # fmt: skip
TIME_LABELS = ("дата и время", "дата операции", "дата", "время", "күні", "уақыты", "date", "time", "日期", "时间")
REFERENCE_LABELS = ("номер квитанции", "квитанция", "номер чека", "чек", "номер транзакции", "id транзакции",
                    "транзакция", "номер операции", "номер заказа", "заказ", "түбіртек", "чек нөмірі",
                    "транзакция нөмірі", "transaction id", "transaction", "receipt no", "receipt", "order no",
                    "order", "交易号", "交易单号", "订单号", "流水号", "单号", "收据号")  # fmt: skip
# Who took the money, as receipts name them (matched as whole words), with the name topup records.
PROVIDERS = (("kaspi.kz", "Kaspi.kz"), ("kaspi", "Kaspi.kz"), ("halyk", "Halyk"), ("homebank", "Halyk"),
             ("kassa24", "Kassa24"), ("kassa 24", "Kassa24"), ("qiwi", "Qiwi"), ("alipay", "Alipay"),
             ("支付宝", "Alipay"), ("wechat pay", "WeChat Pay"), ("微信支付", "WeChat Pay"),
             ("airalo", "Airalo"))  # fmt: skip
PHONE_LABELS = ("номер телефона", "телефон", "абонент", "номер", "нөмір", "phone", "number", "手机号", "号码")

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ", "：": ":"})
# A number as printed: digits with `,` `.` `'` and a space only before a group of three; money's own reader then
# decides what the marks mean (and refuses `1,234`, which could be either).
_AMOUNT = re.compile(r"[-−]?\s?\d(?:[\d,.']|[ ](?=\d{3}(?!\d)))*")
_CURRENCY_AFTER = re.compile(r"^\s*(₸|тг\.?|тенге|теңге|kzt|坚戈|元|cny|rmb|usd|\$|₽|руб\.?|rub)", re.IGNORECASE)
_DATE = re.compile(
    r"(?P<dmy>(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2}))"
    r"|(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    r"|(?P<zh>(?P<zy>\d{4})年(?P<zm>\d{1,2})月(?P<zd>\d{1,2})日)"
)
_TIME = re.compile(r"^[ ,T]*(\d{1,2}):(\d{2})(?::(\d{2}))?")
_REFERENCE = re.compile(r"^[\s:№#.]*(?:no\.?|n°)?[\s:№#.]*([A-Za-z0-9][A-Za-z0-9\-_/]{2,39})", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:\+?7|8)[\s\-(]*(7\d{2}|[*xX•]{3})[\s\-)]*([\d*xX•]{3})[\s\-]*([\d*xX•]{2})[\s\-]*([\d*xX•]{2})"
)


@dataclass(frozen=True)
class Found:
    """The fields one source gave (None where it said nothing)."""

    amount: Decimal | None = None
    currency: str | None = None
    occurred_at: datetime | None = None
    has_time: bool = True
    reference: str | None = None
    phone_pattern: str | None = None
    operator: str | None = None
    fee: Decimal | None = None
    register: str | None = None
    provider: str | None = None


def from_fiscal_url(url: str) -> Found | None:
    """The fields of a fiscal receipt link, or None when it is not one (another host, or no sum). Its time is
    Kazakhstan's local time whatever zone the user reads in (a traveller's may be Asia/Shanghai)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in FISCAL_HOSTS):
        return None
    query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items() if v}
    amount = _decimal(query.get("s"))
    if amount is None:
        return None
    return Found(amount=amount, currency="KZT", occurred_at=_fiscal_time(query.get("t", "")),
                 reference=_token(query.get("i")), register=_token(query.get("f")))  # fmt: skip


def from_text(text: str, zone: ZoneInfo) -> Found:
    """The fields a receipt's text gives, each from the line whose label names it."""
    lines = [line.translate(_SPACES).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    amount, currency = _labelled_amount(lines, AMOUNT_LABELS, exclude=NOT_AMOUNT)
    fee, _fee_currency = _labelled_amount(lines, FEE_LABELS, exclude=("без комиссии", "no fee", "0%"))
    when, has_time = _labelled_time(lines, zone)
    return Found(amount=amount, currency=currency, occurred_at=when, has_time=has_time,
                 reference=_labelled_reference(lines), phone_pattern=_phone(lines), operator=find_operator(text),
                 fee=fee, provider=find_provider(text))  # fmt: skip


def find_provider(text: str) -> str | None:
    """The payment provider a receipt names first (Kaspi.kz, Kassa24, Alipay…), as a whole word."""
    low = text.lower()
    found = [(m.start(), name) for key, name in PROVIDERS
             for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", low)]  # fmt: skip
    return min(found)[1] if found else None


def masked_phone(pattern: str) -> str:
    """`+7701*****67` as a receipt would show it: `+7 701 *** ** 67` (hidden digits stay hidden; shown ones beyond
    the prefix and the last two are hidden too, so the output is safe to share)."""
    body = pattern[1:] if pattern.startswith("+") else pattern
    digits = body[1:] if len(body) == 11 else body
    shown = digits[:3] + "*" * 5 + digits[-2:] if len(digits) == 10 else digits
    return f"+7 {shown[:3]} {shown[3:6]} {shown[6:8]} {shown[8:]}"


def phone_contradicts(pattern: str, e164: str) -> bool:
    """Whether a receipt's visible digits (`+7701*****67`) contradict the line's number."""
    if len(pattern) != len(e164):
        return False  # another shape (a foreign line): nothing to compare digit by digit
    return any(p != d for p, d in zip(pattern, e164, strict=True) if p.isdigit())


def _labelled_amount(lines: list[str], labels: tuple[str, ...], *, exclude: tuple[str, ...]) -> tuple:
    for label in labels:
        for line in lines:
            low = line.lower()
            if label not in low or any(word in low for word in exclude if word not in label):
                continue
            after = line[low.index(label) + len(label) :]
            found = _amount_in(after)
            if found:
                return found
    return None, None


def _amount_in(text: str) -> tuple[Decimal, str] | None:
    for match in _AMOUNT.finditer(text):
        raw = match.group().replace("−", "-").strip().rstrip(".,")
        tail = _CURRENCY_AFTER.match(text[match.end() :])
        currency = implied_currency((tail.group(1) if tail else "") + " " + text) or "KZT"
        try:
            value = abs(parse_number(raw, currency=currency))
        except InvalidInput:
            continue  # `1,234` could be thousands or decimals: not guessed
        if value > 0:
            return value, currency
    return None


def _labelled_time(lines: list[str], zone: ZoneInfo) -> tuple[datetime | None, bool]:
    labelled = [line for line in lines if any(label in line.lower() for label in TIME_LABELS)]
    for line in [*labelled, *lines]:
        for match in _DATE.finditer(line):
            found = _instant(match, line[match.end() :], zone)
            if found[0] is not None:
                return found
    return None, True


def _instant(match: re.Match[str], after: str, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    if match.group("dmy"):
        year = match.group("y")
        y, m, d = int(year) + (2000 if len(year) == 2 else 0), int(match.group("m")), int(match.group("d"))
    elif match.group("iso"):
        y, m, d = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    else:
        y, m, d = int(match.group("zy")), int(match.group("zm")), int(match.group("zd"))
    clock = _TIME.match(after)
    hh, mm, ss = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
    text = f"{d:02d}.{m:02d}.{y:04d} {hh:02d}:{mm:02d}:{ss:02d}"
    try:
        return parse_instant(text, zone, allow_future=True), clock is not None
    except InvalidInput:
        return None, True


def _labelled_reference(lines: list[str]) -> str | None:
    for label in REFERENCE_LABELS:
        for line in lines:
            low = line.lower()
            if label in low:
                match = _REFERENCE.match(line[low.index(label) + len(label) :])
                if match and any(ch.isdigit() for ch in match.group(1)):
                    return match.group(1)
    return None


def _phone(lines: list[str]) -> str | None:
    labelled = [line for line in lines if any(label in line.lower() for label in PHONE_LABELS)]
    for line in [*labelled, *lines]:
        match = _PHONE.search(line)
        if match:
            digits = "".join(match.groups())
            pattern = "+7" + re.sub(r"[xX•]", "*", digits)
            if pattern.count("*") < 10:
                return pattern
    return None


def _fiscal_time(text: str) -> datetime | None:
    for shape in ("%Y%m%dT%H%M%S", "%Y%m%dT%H%M"):
        try:
            return localize(datetime.strptime(text, shape), FISCAL_ZONE, field="t").astimezone(UTC)
        except (ValueError, InvalidInput):
            continue
    return None


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _token(text: str | None) -> str | None:
    value = (text or "").strip()
    return value if re.fullmatch(r"[A-Za-z0-9\-]{1,40}", value) else None
