"""Geometry of the dashboard's charts, drawn as SVG by the server (no script, no CDN).

Each chart has axes with ticks, a value on every bar, and a legend entry per series;
the sizes are in the SVG's own units, chosen so that the text stays readable when the
chart is drawn 358 px wide on a phone."""

import math

from django.utils.translation import gettext as _

from core.formatting import format_number

WIDTH = 400
LEFT, RIGHT = 46, 8
PANEL_HEIGHT = 96
PANEL_GAP = 52  # room for a panel's title above it and the week labels under the last
TOP = 34  # the legend


def nice_ticks(top: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`;
    `whole` for counts: whole steps only."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multiples if m * power >= raw)
    if whole:
        step = max(1, round(step))
    ticks = [0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def decimal(value: float) -> str:
    """12.5 -> "12,5"; whole numbers with thousands dots (Vietnamese style)."""
    if float(value).is_integer():
        return format_number(int(value))
    return f"{value:.1f}".replace(".", ",")


def money_unit(top: int) -> tuple[int, str]:
    if top >= 1_000_000:
        return 1_000_000, _("million ₫")
    return 1_000, _("thousand ₫")


def _panel(values, *, scale: float, top_y: float, title: str, series: str, count: int, whole=False) -> dict:
    scaled = [value / scale for value in values]
    ticks = nice_ticks(max([*scaled, 0]), whole=whole)
    ceiling = ticks[-1]
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / count
    base = top_y + PANEL_HEIGHT
    bars = []
    for index, value in enumerate(scaled):
        height = value / ceiling * PANEL_HEIGHT if ceiling else 0
        x = LEFT + index * slot + slot * 0.15
        bars.append(
            {
                "x": round(x, 1),
                "y": round(base - height, 1),
                "w": round(slot * 0.7, 1),
                "h": round(height, 1),
                "value": values[index],
                "text": decimal(value) if value else "",
                "text_x": round(x + slot * 0.35, 1),
                "text_y": round(base - height - 3, 1),
            }
        )
    return {
        "title": title,
        "series": series,
        "title_y": top_y - 8,
        "top": top_y,
        "base": base,
        "bars": bars,
        "ticks": [{"y": round(base - tick / ceiling * PANEL_HEIGHT, 1), "text": decimal(tick)} for tick in ticks],
    }


def weekly_chart(series: list[dict]) -> dict:
    """Two panels on one time axis: money pledged per week (bars, in millions or
    thousands of dong) and needs delivered per week (bars, a count)."""
    count = max(len(series), 1)
    scale, unit = money_unit(max([row["pledged"] for row in series] + [0]))
    pledged = _panel(
        [row["pledged"] for row in series],
        scale=scale,
        top_y=TOP + 16,
        title=_("Money pledged (%(unit)s)") % {"unit": unit},
        series="pledged",
        count=count,
    )
    delivered = _panel(
        [row["delivered"] for row in series],
        scale=1,
        top_y=pledged["base"] + PANEL_GAP,
        title=_("Needs delivered"),
        series="delivered",
        count=count,
        whole=True,
    )
    slot = (WIDTH - LEFT - RIGHT) / count
    labels = [
        {"x": round(LEFT + index * slot + slot / 2, 1), "text": row["week"].strftime("%d/%m")}
        for index, row in enumerate(series)
        if index % 2 == (len(series) - 1) % 2  # every other week, the last one always
    ]
    height = delivered["base"] + 22
    return {
        "width": WIDTH,
        "height": round(height),
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "panels": [pledged, delivered],
        "labels": labels,
        "labels_y": delivered["base"] + 14,
        "legend": [
            {"series": "pledged", "text": _("Money pledged"), "x": LEFT},
            {"series": "delivered", "text": _("Needs delivered"), "x": LEFT + 150},
        ],
    }


CATEGORY_ROW = 46  # a category's name, then its two bars


def category_chart(categories: list[dict]) -> dict:
    """Money requested and pledged per category, as horizontal bars (names above their
    bars, so long names fit a phone), on one axis in millions or thousands of dong."""
    scale, unit = money_unit(max([row["requested"] or 0 for row in categories] + [0]))
    ticks = nice_ticks(max([(row["requested"] or 0) / scale for row in categories] + [0]))
    ceiling = ticks[-1]
    left, right = 8, WIDTH - 44  # room for the value after the longest bar
    span = right - left
    top = TOP + 22
    rows = []
    for index, row in enumerate(categories):
        y = top + index * CATEGORY_ROW
        bars = []
        for offset, series in ((14, "requested"), (26, "pledged")):
            value = (row[series] or 0) / scale
            width = value / ceiling * span if ceiling else 0
            bars.append(
                {
                    "series": series,
                    "y": y + offset,
                    "w": round(width, 1),
                    "text": decimal(value),
                    "text_x": round(left + width + 4, 1),
                    "text_y": y + offset + 9,
                }
            )
        rows.append({"label": row["label"], "y": y + 9, "bars": bars})
    bottom = top + len(categories) * CATEGORY_ROW
    return {
        "width": WIDTH,
        "height": bottom + 22,
        "left": left,
        "top": top,
        "bottom": bottom,
        "rows": rows,
        "title": _("Money requested and pledged (%(unit)s)") % {"unit": unit},
        "ticks": [{"x": round(left + tick / ceiling * span, 1), "text": decimal(tick)} for tick in ticks],
        "legend": [
            {"series": "requested", "text": _("Requested"), "x": left},
            {"series": "pledged", "text": _("Pledged"), "x": left + 110},
        ],
    }
