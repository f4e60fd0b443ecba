"""The nightly task and the command recompute the benchmarks; beat runs the task."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory
from trust.models import CostBenchmark
from trust.tasks import refresh_cost_benchmarks

pytestmark = pytest.mark.django_db


def test_the_nightly_task_is_scheduled():
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "trust.tasks.refresh_cost_benchmarks" in jobs


def test_the_nightly_task_recomputes_from_todays_needs():
    for cost in (100, 200, 300, 400, 500):
        NeedFactory(school=SchoolFactory(), category="books", items=[("Vở", 10, "quyển", cost)])
    assert refresh_cost_benchmarks.delay().get() == 1
    assert CostBenchmark.objects.get().median == 300

    NeedFactory(school=SchoolFactory(), category="books", items=[("Vở", 10, "Quyển", 10_000)])
    refresh_cost_benchmarks.delay()
    bench = CostBenchmark.objects.get()
    assert (bench.samples, bench.median) == (6, 350)


def test_the_command_recomputes_too():
    for cost in (100, 200, 300, 400, 500):
        NeedFactory(school=SchoolFactory(), category="books", items=[("Vở", 10, "quyển", cost)])
    out = StringIO()
    call_command("trust_refresh", stdout=out)
    assert "Cost benchmarks changed: 1" in out.getvalue()
    assert CostBenchmark.objects.get().q3 == 400
