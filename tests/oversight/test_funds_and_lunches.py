"""The offices' desk shows their programme funds (money in, allocated, left, plans
waiting) and their school-lunch sponsorships (instalments due soon and past due), in the
dashboard, the digest and the exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from donations.models import AllocationPlan, Pledge
from oversight import dashboard
from oversight.digests import build_digest, render_digest
from tests.accounts.factories import UserFactory
from tests.donations.test_money_counted_once import lunch_need, make_fund, sponsor_monthly


@pytest.fixture
def desk(area):
    fund = make_fund(area.office_a, amount_pledged=9_000_000, amount_received=8_000_000, amount_allocated=6_500_000)
    AllocationPlan.objects.create(fund=fund, title="Phương án hỗ trợ đợt 2", drafted_by=area.officer_a)
    today = timezone.localdate()
    need = lunch_need(area.school_a, first=today.replace(day=1))
    donor = UserFactory()
    sponsorship = sponsor_monthly(need, donor, pupils=10, first=today.replace(day=1), months=3)
    instalments = list(sponsorship.instalments.order_by("month"))
    # This month's is three days late; next month's falls due within the notice days.
    Pledge.objects.filter(pk=instalments[0].pk).update(due_on=today - timedelta(days=3))
    Pledge.objects.filter(pk=instalments[1].pk).update(due_on=today + timedelta(days=2))
    Pledge.objects.filter(pk=instalments[2].pk).update(due_on=today + timedelta(days=40))
    return fund


def test_the_dashboard_shows_fund_balances_and_instalments_due(client, area, desk):
    client.force_login(area.officer_a)
    page = client.get(reverse("dashboard:home"), {"unit": area.district_a.pk})
    figures = page.context["funds_and_lunches"]
    [fund] = figures["funds"]
    assert (fund["received"], fund["allocated"], fund["balance"], fund["plans_waiting"]) == (
        8_000_000,
        6_500_000,
        1_500_000,
        1,
    )
    assert figures["instalments"]["due_soon"] == 1 and figures["instalments"]["due_soon_amount"] == 3_000_000
    assert figures["instalments"]["overdue"] == 1
    assert figures["lunches"]["pupil_months"] == 45 * 9 and figures["lunches"]["pledged"] == 0
    html = page.content.decode()
    assert 'data-figure="fund-balance">1.500.000\u00a0₫' in html
    assert 'data-figure="instalments-overdue">1<' in html


def test_a_later_month_is_neither_waiting_nor_overdue(client, area, desk):
    """Instalments are pledged up front; until its month a later one waits for nobody."""
    attention = dashboard.attention(dashboard.Area(area.district_a))
    assert attention["pledges_waiting"] == 1  # this month's, due three days ago
    assert attention["pledges_overdue"] == 0  # not yet PLEDGE_REMINDER_DAYS late
    client.force_login(area.officer_a)
    listed = client.get(reverse("dashboard:pledges"), {"unit": area.district_a.pk}).context["page"].object_list
    assert len(listed) == 1


def test_the_digest_names_the_fund_and_the_lunches(area, desk):
    today = timezone.localdate()
    digest = build_digest(area.office_a, "weekly", today - timedelta(days=7), today - timedelta(days=1))
    section = digest.content["funds_and_lunches"]
    assert section["funds"][0]["url"].startswith("http")
    assert section["funds"][0]["plans_waiting"] == 1
    assert not digest.is_empty
    _subject, text, html = render_digest(digest)
    assert "1.500.000\u00a0₫" in text and desk.name in text
    assert "1.500.000\u00a0₫" in html and escape(desk.name) in html


def test_the_fund_and_sponsorship_exports(client, area, desk):
    client.force_login(area.officer_a)
    funds = client.get(reverse("dashboard:export", args=["funds", "csv"]), {"unit": area.district_a.pk})
    rows = list(csv.reader(io.StringIO(funds.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Quỹ" and rows[1][0] == desk.name
    assert rows[1][4:7] == ["8000000", "6500000", "1500000"]
    lunches = client.get(reverse("dashboard:export", args=["sponsorships", "xlsx"]), {"unit": area.district_a.pk})
    assert lunches.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(lunches.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[0] if values[0][0] == "Trường" else values[1]
    assert "Số học sinh" in header
    data = [row for row in values if row and row[0] == area.school_a.name]
    assert len(data) == 1 and data[0][header.index("Số học sinh")] == 10
    assert data[0][header.index("Tổng cam kết (đồng)")] == 10 * 3 * 300_000
