"""How a top-up is done through each channel, and what to check and keep: the advice topup is built on.

The app's help and "How to top up" view, the form's hint for the channel being entered and `topup guide` all read
these texts, so the advice is written once and translated once. Facts are those of ../shared/domain.md: terminals
give no change and show their commission, a dropped payment may be pending or charged twice, a receipt is what an
office needs to trace a payment, packages expire by their own rules.
"""

from __future__ import annotations

from tracker.domain.i18n import N_, _
from tracker.domain.vocab import Channel, label

ADVICE = N_("""\
- **Confirm the amount** before and after: what you asked for, what you paid, what the line was credited.
  Check the balance afterwards (Kcell/activ `*100#`, Beeline `*102#`, ALTEL `*111#`) and mark the top-up verified.
- **Watch the network**: a payment that dropped mid-way may be pending, failed or charged twice. Check the balance
  and the bank before paying again; topup warns before you save a second top-up of the same amount to the same line
  within 15 minutes.
- **Keep proof**: the receipt number and the receipt itself (photo, PDF, screenshot). topup keeps the file with a
  hash that proves it is intact.
- **Know the rules** of the packages you buy: when they expire and until when a refund can be asked. Record both
  with the top-up and topup reminds you.""")

# How each channel works, in a few sentences: how it is done, what to check, what to keep.
HOW = {
    Channel.OFFICE: N_(
        "At the operator's office, give the number and pay at the counter, in cash or by card. Check the number "
        "on the cashier's screen before paying. Keep the printed receipt: without it the office can do little "
        "about a payment that went to a wrong number."
    ),
    Channel.TERMINAL: N_(
        "At a shop counter or a payment terminal (Kaspi, Qiwi, Kassa24), choose the operator, type the number and "
        "put in the cash. Terminals give no change and show their commission before you pay: the line is credited "
        "the amount less the commission. Check the number on the screen twice. Take the receipt and photograph it "
        "(thermal paper fades); keep it until the line is credited, which through a terminal network can take "
        "hours, rarely days."
    ),
    Channel.ATM: N_(
        "At an ATM, open the bank's Payments → Mobile menu, type the number and the amount, and check both on the "
        "confirmation screen. Take the slip: its transaction number is what the bank asks for when the money left "
        "the card but did not reach the line."
    ),
    Channel.WEBSITE: N_(
        "On the operator's website, pay by card on the operator's own page (check the address). Keep the "
        "connection stable until the page confirms. If it hangs, do not pay again at once: check the balance and "
        "the bank first, a second try may charge twice. Save the confirmation e-mail or a screenshot with its "
        "order number."
    ),
    Channel.OPERATOR_APP: N_(
        "In the operator's app (Kcell, activ, My Beeline, Izi, Tele2, ALTEL; Izi is topped up only in its app), "
        "choose the line and the amount and pay by card. Stay on a stable connection until the app confirms; "
        "after a time-out look at the app's payment history before trying again. Screenshot the confirmation "
        "with its transaction number."
    ),
    Channel.BANK_APP: N_(
        "In a bank app (Kaspi.kz, Halyk Homebank), open Payments → Mobile, choose the operator, the number and "
        "the amount. Check the number and any commission before confirming (Kcell through Kaspi is free of "
        "commission). Save the in-app receipt as a PDF or a screenshot. A refund of a bank-app payment takes hours "
        "to days; a Kaspi transfer return must be asked for within 7 days."
    ),
    Channel.AUTOPAY: N_(
        "Auto top-up (Kcell AutoPay) pays on a schedule or when the balance runs low, so many identical small "
        "payments are normal here and not double charges. Once a month, compare the card statement with what the "
        "line was credited; turn auto top-up off before you give a line up."
    ),
    Channel.THIRD_PARTY: N_(
        "Through Alipay, WeChat Pay or a foreign card the payment is often billed in CNY or USD. Record the amount "
        "credited in tenge and what you paid in the other currency, so the rate and the fees show. Check the "
        "number, with its +7, before paying, and keep the wallet's order record or a screenshot of it."
    ),
    Channel.ESIM_APP: N_(
        "eSIM sellers (Airalo and others) sell data packages priced in USD; validity usually starts at the first "
        "connection. Install the eSIM over a stable Wi-Fi and keep the order e-mail with its order number. A "
        "package not delivered within 70 minutes is usually refunded automatically: check that it was."
    ),
    Channel.OTHER: N_(
        "Whatever the way: check the number and the amount before paying, keep the receipt or a screenshot, and "
        "check the balance afterwards."
    ),
}

# One line for the form, under the channel being entered.
HINT = {
    Channel.OFFICE: N_("Check the number on the cashier's screen; keep the printed receipt."),
    Channel.TERMINAL: N_(
        "No change is given and the commission is taken off: read it before paying; keep the receipt."
    ),
    Channel.ATM: N_("Check the number on the confirmation screen; keep the slip with its transaction number."),
    Channel.WEBSITE: N_("Stay connected until it confirms; if it hangs, check the balance before paying again."),
    Channel.OPERATOR_APP: N_("After a time-out, look at the app's history before trying again; screenshot it."),
    Channel.BANK_APP: N_("Check the number and the commission before confirming; save the receipt as PDF."),
    Channel.AUTOPAY: N_("Identical small payments are normal here; compare with the statement monthly."),
    Channel.THIRD_PARTY: N_("Often billed in CNY or USD: enter what you paid as the paid amount and currency."),
    Channel.ESIM_APP: N_("Keep the order e-mail; not delivered in 70 minutes usually means refunded."),
    Channel.OTHER: N_("Check the number and the amount before paying; keep the receipt."),
}

SIM = N_(
    "**A SIM card.** Top up by the number; check the balance afterwards with the operator's code (Kcell/activ "
    "`*100#`, Beeline `*102#`, its packages `*106#`, ALTEL `*111#`). A package expires 30 days (720 hours) after "
    "activation or at 23:59 on the month's last day, Astana time, and is lost on a change of tariff; Izi bundles "
    "reset after 6 months without use."
)
ESIM = N_(
    "**An eSIM.** An operator's eSIM is topped up like its SIM. A seller's eSIM (often a foreign number) is topped "
    "up only in the seller's app, in their currency; its data package expires by the seller's rules, often counted "
    "from the first connection. Keep the QR or activation code private: it is the line."
)


def how_to(channel: Channel) -> str:
    return _(HOW[channel])


def hint(channel: Channel) -> str:
    return _(HINT[channel])


def advice() -> str:
    return _(ADVICE)


def guide_markdown(channel: Channel | None = None) -> str:
    """The whole guide (or one channel's part of it) as Markdown: the advice, SIM and eSIM, then each channel."""
    channels = [channel] if channel is not None else list(Channel)
    advice_title, sims_title, channels_title = _("The advice topup follows"), _("SIM and eSIM"), _("By channel")
    parts = [
        f"## {advice_title}",
        "",
        advice(),
        "",
        f"## {sims_title}",
        "",
        _(SIM),
        "",
        _(ESIM),
        "",
        f"## {channels_title}",
    ]
    for each in channels:
        parts += ["", f"### {label(each)}", "", how_to(each)]
    return "\n".join(parts) + "\n"
