"""What other schools asked per unit, and when a cost is far from it.

A benchmark is made of the items of verified needs (those an office accepted: public
statuses), by category and unit. The unit is compared folded ("Cái", "cái ", "CAI" are
one unit: core.text.fold). Quartiles are computed in Python over an ordered list of
values (`statistics.quantiles`, inclusive method: numpy's default, linear between
ranks), so PostgreSQL and SQLite give the same figures. A need in the queue is not
verified yet, so it never counts in the benchmark it is judged by.

No judgement below MIN_SAMPLES items from MIN_SCHOOLS schools: a school's own earlier
needs cannot make the "typical" range alone.

A cost is flagged when it is far outside the middle half of what others asked, and
far in proportion too:
    high: cost > Q3 + 3 × IQR  and  cost ≥ 3 × median
    low:  cost < Q1            and  cost ≤ median / 3
3 × IQR is Tukey's "far out" fence; the ratio keeps a narrow spread (every school asked
exactly 250.000 ₫ for a blanket, IQR 0) from flagging 260.000 ₫. Prices spread by
ratios, not by sums: Q1 − 3 × IQR is below zero for almost every item (1,5 M − 3 × 0,65 M
for desks), so the low side is judged by the ratio alone, outside the middle half. The
queue shows the typical range Q1 to Q3.
"""

import statistics
from dataclasses import dataclass

from core.text import fold

MIN_SAMPLES = 5
MIN_SCHOOLS = 3
FENCE = 3
RATIO = 3

HIGH = "high"
LOW = "low"


def unit_key(unit: str) -> str:
    return fold(unit).strip(" .")[:30]


@dataclass(frozen=True)
class Spread:
    q1: int
    median: int
    q3: int


def spread(ordered: list[int]) -> Spread:
    if len(ordered) == 1:
        return Spread(ordered[0], ordered[0], ordered[0])
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(round(q1), round(median), round(q3))


def judge(cost: int, benchmark) -> str | None:
    """HIGH, LOW or None for a unit cost against a benchmark (anything with q1, median,
    q3, samples, schools)."""
    if benchmark is None or benchmark.samples < MIN_SAMPLES or benchmark.schools < MIN_SCHOOLS:
        return None
    iqr = benchmark.q3 - benchmark.q1
    if cost > benchmark.q3 + FENCE * iqr and cost >= RATIO * benchmark.median:
        return HIGH
    if cost < benchmark.q1 and cost * RATIO <= benchmark.median:
        return LOW
    return None
