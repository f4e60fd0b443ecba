"""Amounts in Vietnamese words, as a receipt or a decision writes them under the figure:
2.050.000 -> "Hai triệu không trăm năm mươi nghìn đồng".

Written here because the kept converters get documents wrong: num2words 0.5.14 writes 2.050
as "hai nghìn lẻ năm mươi" (documents write "hai nghìn không trăm năm mươi") and
vietnam-number 1.0.6 spells "lẻ" as "lẽ". The rules are the accountants':

- digits are read in groups of three from the right: đơn vị, nghìn, triệu, tỷ; above a
  tỷ the groups start again (nghìn tỷ, triệu tỷ);
- a group of 000 is left out, unless it is all there is;
- a group after a higher one is read whole: 2.050 -> "hai nghìn không trăm năm mươi";
- a zero ten before a unit is "lẻ": 105 -> "một trăm lẻ năm";
- after "mươi", 1 is "mốt", 4 is "tư" and 5 is "lăm"; after "mười", 5 is "lăm".
"""

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
# Each step up is a thousand times the one before; above tỷ they repeat.
SCALES = ["", "nghìn", "triệu"]


def _units(tens: int, unit: int) -> str:
    if unit == 1 and tens > 1:
        return "mốt"
    if unit == 4 and tens > 1:
        return "tư"
    if unit == 5 and tens > 0:
        return "lăm"
    return DIGITS[unit]


def _group(number: int, *, whole: bool) -> list[str]:
    """Words of 1..999; `whole` reads the hundreds even when they are 0 ("không trăm")."""
    hundreds, tens, unit = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or whole:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            if words:
                words.append("lẻ")
            words.append(DIGITS[unit])
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit:
        words.append(_units(tens, unit))
    return words


def _below_billion(number: int, *, whole: bool) -> list[str]:
    """Words of 1..999.999.999; `whole` when a higher part is read before it."""
    groups = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if not group:
            continue
        words += _group(group, whole=whole or bool(words))
        if SCALES[scale]:
            words.append(SCALES[scale])
    return words


def _words(number: int, *, whole: bool = False) -> list[str]:
    billions, rest = divmod(number, 1_000_000_000)
    words = []
    if billions:
        words += [*_words(billions, whole=whole), "tỷ"]
    if rest:
        words += _below_billion(rest, whole=whole or bool(words))
    return words


def number_in_words(number: int) -> str:
    """A whole number in Vietnamese words, lower case: 2050 -> "hai nghìn không trăm năm mươi"."""
    if number < 0:
        return "âm " + number_in_words(-number)
    if number == 0:
        return DIGITS[0]
    return " ".join(_words(number))


def amount_in_words(amount: int) -> str:
    """An amount in đồng as a document writes it: "Hai triệu không trăm năm mươi nghìn đồng"."""
    text = f"{number_in_words(amount)} đồng"
    return text[0].upper() + text[1:]
