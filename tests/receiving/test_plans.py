"""The usage plan (Circular 16/2018): drafted from the need, changed while a draft,
published for comment with its earliest start fifteen working days later on the calendar
the administrator keeps; drafts are the school's alone."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from needs.models import Need
from receiving import plans
from receiving.models import UsagePlan, UsagePlanLine
from tests.needs.factories import NeedFactory
from tests.receiving.factories import PlanCommentFactory, ReceivingTeamFactory, TeamMemberFactory, UsagePlanFactory
from tests.support.confirm import asks_to_confirm
from tests.support.fuzz import FUZZ, HOSTILE, clean
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

S = Need.Status


def plan_post(**changes):
    """The plan page's form: its fields and one line per (description, quantity, unit, cost)."""
    lines = changes.pop("lines", [("Nhà vệ sinh 2 buồng", "1", "công trình", "45.000.000")])
    data = {
        "purpose": "Xây nhà vệ sinh cho điểm trường Hua Sát.",
        "beneficiaries": "Học sinh điểm trường Hua Sát",
        "pupils_benefiting": "45",
        "method": "Thuê thợ địa phương; nhà trường giám sát.",
        "work_starts_on": "",
        "work_ends_on": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "30",
    }
    for i, (description, quantity, unit, cost) in enumerate(lines):
        data |= {
            f"lines-{i}-description": description,
            f"lines-{i}-quantity": quantity,
            f"lines-{i}-unit": unit,
            f"lines-{i}-unit_cost": cost,
        }
    return data | changes


def _labour_day_2026():
    CalendarDay.objects.create(date=date(2026, 4, 30), kind=CalendarDay.Kind.HOLIDAY, name="Ngày Chiến thắng")
    CalendarDay.objects.create(date=date(2026, 5, 1), kind=CalendarDay.Kind.HOLIDAY, name="Quốc tế Lao động")


def test_it_publishes_with_the_earliest_start_after_fifteen_working_days_skipping_the_holidays(area):
    _labour_day_2026()
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a))
    published = plans.plan_publish(plan=plan, actor=area.staff_a, today=date(2026, 4, 20))
    # Monday 20/04/2026: 21–24/04 (4), 27–29/04 (7), 30/04 and 01/05 off, 04–08/05 (12),
    # 11–13/05 (15): Wednesday 13/05/2026. Without the two holidays it would be 11/05.
    assert published.published_on == date(2026, 4, 20)
    assert published.earliest_start_on == date(2026, 5, 13)
    assert published.is_published and published.published_by == area.staff_a


def test_tet_inside_the_window_moves_the_start_by_its_week(area):
    for day in range(16, 21):
        CalendarDay.objects.create(date=date(2026, 2, day), kind=CalendarDay.Kind.HOLIDAY, name="Tết Nguyên Đán")
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a))
    # Friday 06/02/2026: 09–13/02 (5), Tết 16–20/02, 23–27/02 (10), 02–06/03 (15).
    assert plans.plan_publish(plan=plan, actor=area.staff_a, today=date(2026, 2, 6)).earliest_start_on == date(
        2026, 3, 6
    )


def test_a_planned_start_before_the_earliest_is_refused_and_nothing_is_published(area):
    _labour_day_2026()
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a), work_starts_on=date(2026, 5, 12))
    with pytest.raises(plans.PlanRefused) as refused:
        plans.plan_publish(plan=plan, actor=area.staff_a, today=date(2026, 4, 20))
    assert refused.value.field == "work_starts_on"
    assert "13/05/2026" in refused.value.message and "12/05/2026" in refused.value.message
    plan.refresh_from_db()
    assert not plan.is_published and plan.published_on is None


def test_a_need_not_yet_verified_has_its_plan_drafted_but_not_published(area):
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a, status=S.SUBMITTED))
    with pytest.raises(plans.PlanRefused):
        plans.plan_publish(plan=plan, actor=area.staff_a)
    assert not UsagePlan.objects.get(pk=plan.pk).is_published


def test_a_published_plan_is_not_changed(area):
    plan = UsagePlanFactory(need=NeedFactory(school=area.school_a), published=True)
    with pytest.raises(plans.PlanRefused):
        plans.plan_save(
            need=plan.need,
            actor=area.staff_a,
            purpose="Khác",
            beneficiaries="Khác",
            pupils_benefiting=1,
            method="Khác",
            work_starts_on=None,
            work_ends_on=None,
            lines=[plans.Line("Khác", 1, "cái", 1)],
        )
    plan.refresh_from_db()
    assert plan.purpose.startswith("Xây nhà vệ sinh")


def test_the_form_starts_from_the_need(client, area):
    need = NeedFactory(
        school=area.school_a,
        description="Điểm trường chưa có nước sạch.",
        pupils_benefiting=37,
        items=[("Ống nhựa HDPE D25", 800, "m", 14_000), ("Bể chứa inox 2.000 lít", 1, "cái", 6_500_000)],
    )
    client.force_login(area.staff_a)
    response = client.get(reverse("receiving:plan", args=[need.pk]))
    form, formset = response.context["form"], response.context["formset"]
    assert form["purpose"].value() == "Điểm trường chưa có nước sạch."
    assert form["pupils_benefiting"].value() == 37
    assert [f["description"].value() for f in formset] == ["Ống nhựa HDPE D25", "Bể chứa inox 2.000 lít"]
    assert "6.500.000" in response.content.decode()
    assert not UsagePlan.objects.exists()  # looking drafts nothing


def test_the_school_drafts_then_publishes_from_the_page(client, area):
    need = NeedFactory(school=area.school_a)
    client.force_login(area.staff_a)
    url = reverse("receiving:plan", args=[need.pk])
    response = client.post(url, plan_post(lines=[("Bồn rửa tay inox", "2", "bộ", "1.800.000")]))
    assert response.status_code == 302
    plan = UsagePlan.objects.get(need=need)
    assert not plan.is_published and plan.drafted_by == area.staff_a
    assert list(plan.lines.values_list("description", "quantity", "unit_cost")) == [("Bồn rửa tay inox", 2, 1_800_000)]
    asks_to_confirm(client, url, plan_post(publish="1"))
    plan.refresh_from_db()
    assert not plan.is_published  # asked (the draft saved again), not published
    response = client.post(url, plan_post(publish="1", confirmed="yes"))
    assert response.status_code == 302 and response["Location"].endswith(need.get_absolute_url() + "#plan")
    plan.refresh_from_db()
    assert plan.is_published and plan.earliest_start_on > plan.published_on
    assert list(plan.lines.values_list("description", flat=True)) == ["Nhà vệ sinh 2 buồng"]


def test_bad_input_is_refused_next_to_the_field_and_nothing_typed_is_lost(client, area):
    need = NeedFactory(school=area.school_a)
    client.force_login(area.staff_a)
    response = client.post(
        reverse("receiving:plan", args=[need.pk]),
        plan_post(
            method="Mua của nhà cung cấp trong huyện",
            work_starts_on="2026-12-20",
            work_ends_on="2026-12-01",
            lines=[("Bồn rửa tay inox", "0", "bộ", "1,5 triệu")],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_work_ends_on_error"' in html
    assert "Mua của nhà cung cấp trong huyện" in html and "1,5 triệu" in html
    assert not UsagePlan.objects.exists() and not UsagePlanLine.objects.exists()


def test_drafts_are_not_public(client, area):
    need = NeedFactory(school=area.school_a)
    UsagePlanFactory(need=need, purpose="Mục đích còn đang viết dở")
    html = client.get(need.get_absolute_url()).content.decode()
    assert "Mục đích còn đang viết dở" not in html and 'id="plan"' not in html
    client.force_login(area.outsider)
    assert "Mục đích còn đang viết dở" not in client.get(need.get_absolute_url()).content.decode()
    client.force_login(area.staff_a)
    html = client.get(need.get_absolute_url()).content.decode()
    assert reverse("receiving:plan", args=[need.pk]) in html  # its keepers get the way to it
    assert "Mục đích còn đang viết dở" not in html  # the public page shows published plans only


@pytest.mark.parametrize(
    ("user", "status"),
    [("staff_a", 302), ("officer_a", 302), ("staff_b", 403), ("officer_b", 403), ("outsider", 403)],
)
def test_only_the_schools_people_publish(client, area, user, status):
    need = NeedFactory(school=area.school_a)
    client.force_login(getattr(area, user))
    response = client.post(reverse("receiving:plan", args=[need.pk]), plan_post(publish="1", confirmed="yes"))
    assert response.status_code == status
    assert UsagePlan.objects.filter(need=need, status=UsagePlan.Status.PUBLISHED).exists() == (status == 302)


@pytest.mark.parametrize(
    ("user", "status"), [("staff_a", 200), ("staff_b", 404), ("officer_b", 404), ("outsider", 404)]
)
def test_the_plan_of_a_need_under_review_is_404_to_outsiders(client, area, user, status):
    need = NeedFactory(school=area.school_a, status=S.SUBMITTED)
    client.force_login(getattr(area, user))
    assert client.get(reverse("receiving:plan", args=[need.pk])).status_code == status


def test_the_published_plan_is_on_the_need_page_with_its_dates_team_and_totals(client, area):
    need = NeedFactory(school=area.school_a)
    UsagePlanFactory(
        need=need,
        published=True,
        lines=[("Bồn rửa tay inox", 2, "bộ", 1_800_000), ("Bệ xí", 4, "bộ", 2_400_000)],
        work_starts_on=date(2026, 5, 18),
    )
    TeamMemberFactory(
        team=ReceivingTeamFactory(school=area.school_a), full_name="Lò Văn Thành", job_title="Hiệu trưởng", role="head"
    )
    html = client.get(need.get_absolute_url()).content.decode()
    assert "Kế hoạch sử dụng tài trợ" in html
    assert "Lấy ý kiến từ 20/04/2026" in html
    assert "Sớm nhất bắt đầu thực hiện 13/05/2026" in html and "(sau 15 ngày làm việc)" in html
    assert "13.200.000\u00a0₫" in html  # 2 × 1.800.000 + 4 × 2.400.000
    assert "Lò Văn Thành" in html and "Tổ trưởng" in html
    assert "Đăng nhập để góp ý" in html


@pytest.mark.parametrize("size", [1, 12])
def test_the_need_page_with_a_plan_runs_a_fixed_number_of_queries(client, area, django_assert_num_queries, size):
    need = NeedFactory(school=area.school_a)
    plan = UsagePlanFactory(need=need, published=True, lines=[("Chăn", 2, "cái", 100_000)] * size)
    team = ReceivingTeamFactory(school=area.school_a)
    for _ in range(size):
        TeamMemberFactory(team=team)
        PlanCommentFactory(plan=plan, status="published")
    # need with places; items; photos; history; the published plan; its lines; its
    # published comments with their authors; the school's team
    with django_assert_num_queries(8):
        response = client.get(need.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["plan_section"].comments) == size


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "purpose", "beneficiaries", "pupils_benefiting", "method", "work_starts_on", "work_ends_on",
                "lines-TOTAL_FORMS", "lines-INITIAL_FORMS", "lines-0-description", "lines-0-quantity",
                "lines-0-unit", "lines-0-unit_cost", "publish",
            ]
        ),
        st.one_of(HOSTILE, st.integers().map(str), st.dates().map(date.isoformat)),
        max_size=3,
    )
)  # fmt: skip
def test_the_plan_page_answers_any_post_without_a_500(client, area, changes):
    need = Need.objects.filter(school=area.school_a).first() or NeedFactory(school=area.school_a)
    client.force_login(area.staff_a)
    before = UsagePlan.objects.filter(status=UsagePlan.Status.PUBLISHED).count()
    response = client.post(
        reverse("receiving:plan", args=[need.pk]), plan_post(**{k: clean(v) for k, v in changes.items()})
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200 and "form" in response.context:
        # Refused: the page says why, next to a field or above the rows.
        html = response.content.decode()
        assert "invalid-feedback" in html or "alert-danger" in html
    assert UsagePlan.objects.filter(status=UsagePlan.Status.PUBLISHED).count() - before in (0, 1)
