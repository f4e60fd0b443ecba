"""A unit cost far from what other schools asked is flagged, a usual one is not, and
nothing is judged on too few samples (issue 18). The same figures on SQLite and
PostgreSQL: the quartiles are computed in Python."""

import pytest

from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory
from trust import benchmarks
from trust.models import CostBenchmark
from trust.selectors import attach_signals
from trust.services import benchmarks_refresh

pytestmark = pytest.mark.django_db

S = Need.Status
# What ten schools asked for one desk with two chairs, in VND.
DESK_COSTS = [
    1_200_000,
    1_350_000,
    1_500_000,
    1_500_000,
    1_800_000,
    1_900_000,
    2_000_000,
    2_200_000,
    2_400_000,
    2_500_000,
]
UNITS = ["Bộ", "bộ", " bộ ", "BỘ", "bo", "Bộ.", "bộ", "bộ", "Bộ", "bộ"]


def verified_desks(costs=DESK_COSTS, units=UNITS):
    for cost, unit in zip(costs, units, strict=False):
        NeedFactory(school=SchoolFactory(), category="equipment", items=[("Bàn ghế học sinh", 20, unit, cost)])


def queued(unit_cost, unit="bộ", category="equipment", status=S.SUBMITTED):
    return NeedFactory(status=status, category=category, items=[("Bàn ghế", 10, unit, unit_cost)])


def signals_of(need):
    need = Need.objects.prefetch_related("items").get(pk=need.pk)
    return attach_signals([need])[0].trust_signals


def test_the_benchmark_is_per_category_and_folded_unit_with_quartiles():
    verified_desks()
    NeedFactory(status=S.SUBMITTED, category="equipment", items=[("Bàn ghế", 1, "bộ", 90_000_000)])  # not counted
    NeedFactory(category="toilets", items=[("Bàn ghế", 1, "bộ", 45_000_000)])  # another category

    assert benchmarks_refresh() == 2
    desks = CostBenchmark.objects.get(category="equipment", unit_key="bo")
    assert (desks.samples, desks.schools, desks.unit) == (10, 10, "bộ")
    # inclusive quartiles of the ten costs: linear between ranks
    assert (desks.q1, desks.median, desks.q3) == (1_500_000, 1_850_000, 2_150_000)


def test_an_outlier_cost_is_flagged_with_the_typical_range_and_a_usual_one_is_not():
    verified_desks()
    benchmarks_refresh()
    expensive = queued(12_000_000, unit="Bộ")
    cheap = queued(300_000)
    usual = queued(2_600_000)
    high_but_near = queued(5_000_000)  # above Q3 + 3·IQR (4.1 M) but under 3 × the median (5.55 M)

    [signal] = signals_of(expensive)
    assert signal.is_cost and signal.is_high
    assert (signal.benchmark.q1, signal.benchmark.q3) == (1_500_000, 2_150_000)
    [signal] = signals_of(cheap)
    assert signal.is_cost and not signal.is_high
    assert signals_of(usual) == []
    assert signals_of(high_but_near) == []


def test_too_few_samples_or_schools_give_no_judgement():
    verified_desks(DESK_COSTS[:4])
    benchmarks_refresh()
    assert CostBenchmark.objects.get().samples == 4
    assert signals_of(queued(50_000_000)) == []

    # five items, but from two schools only
    CostBenchmark.objects.all().delete()
    Need.objects.all().delete()
    first, second = SchoolFactory(), SchoolFactory()
    for index, cost in enumerate(DESK_COSTS[:5]):
        NeedFactory(school=first if index % 2 else second, category="equipment", items=[("Bàn ghế", 1, "bộ", cost)])
    benchmarks_refresh()
    assert CostBenchmark.objects.get().schools == 2
    assert signals_of(queued(50_000_000)) == []


def test_no_benchmark_for_the_unit_gives_no_judgement():
    verified_desks()
    benchmarks_refresh()
    assert signals_of(queued(50_000_000, unit="chiếc")) == []
    assert signals_of(queued(50_000_000, category="books")) == []


def test_the_rule_itself():
    bench = CostBenchmark(q1=1_000, median=1_500, q3=2_000, samples=5, schools=3)
    assert benchmarks.judge(5_001, bench) == benchmarks.HIGH
    assert benchmarks.judge(5_000, bench) is None  # exactly on the fence
    assert benchmarks.judge(500, bench) == benchmarks.LOW  # a third of the median
    assert benchmarks.judge(501, bench) is None
    narrow = CostBenchmark(q1=250_000, median=250_000, q3=250_000, samples=8, schools=5)
    assert benchmarks.judge(260_000, narrow) is None  # IQR 0: the ratio guards
    assert benchmarks.judge(750_000, narrow) == benchmarks.HIGH
    assert benchmarks.judge(83_333, narrow) == benchmarks.LOW
    assert benchmarks.unit_key(" Cái ") == benchmarks.unit_key("cai") == benchmarks.unit_key("CÁI.")


def test_a_refresh_leaves_unchanged_rows_alone_and_removes_empty_ones():
    verified_desks()
    benchmarks_refresh()
    stamp = CostBenchmark.objects.get().refreshed_at
    assert benchmarks_refresh() == 0
    assert CostBenchmark.objects.get().refreshed_at == stamp
    Need.objects.update(status=S.CANCELLED)
    assert benchmarks_refresh() == 1
    assert not CostBenchmark.objects.exists()
