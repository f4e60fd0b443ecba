"""Amounts of money typed the Vietnamese way, read in one place for every money field of
the portal (core.forms.VndField) and, with the same rules, in the browser
(static/js/money.js, which shows the amount back formatted and in words as it is typed).

What is read (whole đồng; case, accents of the units and spaces do not matter):

- digits, grouped or not: "1250000", "1.250.000", "1 250 000", "1,250,000" (two or more
  commas: the English grouping); a currency mark before or after is dropped: "₫", "đ",
  "đồng", "dong", "vnđ", "vnd"; a bank's ",00" (or ",0") after the đồng is dropped;
- a figure with a unit: "500k", "500 nghìn" (or "ngàn"), "1,25 triệu", "1.25tr", "1,5tr",
  "2 tỷ" (or "tỉ", "ty"); with a unit "," is the decimal mark, and so is "." unless
  three digits follow it (dots group thousands): "1.25tr" and "1,25tr" are both
  1.250.000, "1.500 nghìn" is 1.500.000;
- units one after another, largest first: "2 tỷ 300 triệu", "1 triệu 500 nghìn";
  a bare figure after a unit carries on the unit's decimals, as people say it:
  "1tr5" is 1,5 triệu = 1.500.000 and "1tr250" is 1.250.000.

What is decided for the ambiguous entries (the preview shows them before they are sent):

- "1.250" is dots grouping thousands, the Vietnamese way: 1.250 ₫. The preview reads
  "Một nghìn hai trăm năm mươi đồng", so a donor who meant 1,25 triệu sees it;
- a comma or a point that cannot group thousands, without a unit ("1,5", "1.5",
  "1,25", and a single comma "1,250"), is refused: whole đồng have no decimals, and the
  message offers the reading in triệu ("1,5 triệu = 1.500.000 ₫?");
- a figure with a unit that leaves part of a đồng ("1,2345 nghìn") is refused;
- a minus sign is read (a statement may carry one); the field's own minimum refuses it
  where it has no place; at most 15 digits (more is a typing accident).
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formatting import format_vnd

# The longest names first, so "nghìn" is not read as "ng" + "hìn".
UNITS = {
    "nghìn": 10**3,
    "nghin": 10**3,
    "ngàn": 10**3,
    "ngan": 10**3,
    "k": 10**3,
    "triệu": 10**6,
    "trieu": 10**6,
    "tr": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
    "ty": 10**9,
    "ti": 10**9,
}
UNIT_PATTERN = "|".join(sorted((re.escape(name) for name in UNITS), key=len, reverse=True))
CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)$|^(₫|vnđ|vnd)")
NUMBER = r"\d+(?:[.,]\d+)*"
TERM = re.compile(rf"({NUMBER})({UNIT_PATTERN})")
MAX_DIGITS = 15


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    # Every kind of space (no-break, thin, narrow) goes: "1 250 000" is one figure.
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("Z") and not ch.isspace())
    while True:
        stripped = CURRENCY.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _invalid(text: str) -> ValidationError:
    return ValidationError(
        _("“%(text)s” is not an amount in đồng. Type it as 1.250.000, 500k or 1,5 triệu.") % {"text": text},
        code="invalid",
    )


def _decimal_hint(text: str, figure: str) -> ValidationError:
    """ "1,5" without a unit: whole đồng have no decimals; offer the reading in triệu."""
    try:
        millions = Decimal(figure.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the caller matched digits
        return _invalid(text)
    amount = millions * 10**6
    shown = figure.replace(".", ",")
    if amount == amount.to_integral_value() and amount < 10**MAX_DIGITS:
        return ValidationError(
            _(
                "“%(text)s” has decimals, and đồng have none. Did you mean %(figure)s triệu = %(amount)s? "
                "Then type %(plain)s."
            )
            % {
                "text": text,
                "figure": shown,
                "amount": format_vnd(int(amount)),
                "plain": f"{int(amount):,}".replace(",", "."),
            },
            code="decimal",
        )
    return ValidationError(_("“%(text)s” has decimals, and đồng have none.") % {"text": text}, code="decimal")


def _whole(text: str, figure: str) -> int:
    """A figure without a unit: digits, dot-grouped, or grouped with two or more commas."""
    if re.fullmatch(r"\d+", figure):
        return int(figure)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", figure) or re.fullmatch(r"\d{1,3}(,\d{3}){2,}", figure):
        return int(re.sub(r"\D", "", figure))
    if re.fullmatch(r"\d+[.,]\d+", figure):
        raise _decimal_hint(text, figure)
    raise _invalid(text)


def _figure(text: str, figure: str) -> Decimal:
    """The figure before a unit: dot-grouped digits ("1.500 nghìn"), or one decimal mark."""
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", figure) or re.fullmatch(r"\d{1,3}(,\d{3}){2,}", figure):
        return Decimal(re.sub(r"\D", "", figure))
    if re.fullmatch(r"\d+([.,]\d+)?", figure):
        return Decimal(figure.replace(",", "."))
    raise _invalid(text)


def _with_units(text: str, body: str) -> int:
    total = Decimal(0)
    position, last_unit = 0, None
    for match in TERM.finditer(body):
        if match.start() != position:
            raise _invalid(text)
        unit = UNITS[match.group(2)]
        if last_unit is not None and unit >= last_unit:
            raise _invalid(text)  # "500k 2tr": units go largest first
        total += _figure(text, match.group(1)) * unit
        position, last_unit = match.end(), unit
    rest = body[position:]
    if rest:
        # "1tr5": the figure after the unit carries on its decimals (1,5 triệu).
        if not re.fullmatch(r"\d+", rest) or last_unit is None:
            raise _invalid(text)
        total += Decimal("0." + rest) * last_unit
    if total != total.to_integral_value():
        raise ValidationError(
            _("“%(text)s” leaves part of a đồng: an amount is whole đồng.") % {"text": text}, code="fraction"
        )
    return int(total)


def parse_vnd(text: str) -> int:
    """The amount in whole đồng that `text` says, by the rules above; ValidationError
    with a message for the donor otherwise."""
    original = str(text).strip()
    body = _clean(original)
    negative = body.startswith("-")
    if negative:
        body = body[1:]
    if re.fullmatch(r"(\d{1,3}(\.\d{3})+|\d{4,}),0{1,2}", body):
        body = body.rsplit(",", 1)[0]  # a bank's "1.250.000,00"
    if not body or not body[0].isdigit():
        raise _invalid(original)
    amount = _whole(original, body) if re.fullmatch(r"[\d.,]+", body) else _with_units(original, body)
    if len(str(amount)) > MAX_DIGITS:
        raise ValidationError(_("This amount is too large; please check it."), code="max_value")
    return -amount if negative else amount
