"""Numbers and money the Vietnamese way, for code and templates alike (the template
filters in core.templatetags.vn wrap these)."""


def format_number(value) -> str:
    """1250000 -> "1.250.000": dots group thousands in Vietnamese."""
    return f"{int(value):,}".replace(",", ".")


def format_vnd(amount) -> str:
    """1250000 -> "1.250.000 ₫", whole dong with a no-break space before the sign."""
    if amount is None or amount == "":
        return ""
    return f"{format_number(amount)}\u00a0₫"
