"""A province with everything the open-data API shows, and people whose e-mails, phones
and names must never leave through it: donors (named, anonymous, a guest with a phone),
school staff, officers, a principal, a focal point, and contest pupils."""

from datetime import date

import pytest

from donations.allocations import line_add, plan_approve, plan_draft
from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from tests.donations.allocation_support import allocation_world
from tests.letters_contest.factories import ContestRoundFactory, EntryFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory, SchoolSiteFactory

# Everything personal in the world below: none of it may appear in any answer.
SECRETS = [
    "hidden.donor@example.vn",
    "0987111222",
    "Phạm Bí Mật",
    "pham bi mat",
    "named.donor@example.vn",
    "0987333444",
    "guest.donor@example.vn",
    "0987555666",
    "principal@example.vn",
    "Hiệu Trưởng Kín",
    "0911000111",
    "focal@example.vn",
    "Đầu Mối Kín",
    "0911000222",
    "staff.kin@example.vn",
    "0911000333",
    "Cán Bộ Kín",
    "Lò Thị Học Sinh",
    "Quàng Văn Em",
    "Lời nhắn riêng của nhà hảo tâm",
]


@pytest.fixture
def world(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = allocation_world(area)
    school = area.school_a
    school.principal_name = "Hiệu Trưởng Kín"
    school.focal_point_name = "Đầu Mối Kín"
    school.focal_point_phone = "0911000222"
    school.focal_point_email = "focal@example.vn"
    school.save()
    SchoolSiteFactory(school=school, name="Điểm bản Pú Xi 2", notes="Gọi thầy Kín 0911000111")
    MembershipFactory(
        role="school_staff", school=school, user__email="staff.kin@example.vn", user__phone="0911000333",
        user__full_name="Cán Bộ Kín",
    )  # fmt: skip
    MembershipFactory(role="school_staff", school=school, user__email="principal@example.vn", user__phone="0911000111")
    round_ = ContestRoundFactory(province=area.province)
    EntryFactory(round=round_, school=school, pupil_name="Lò Thị Học Sinh", consent_publish_name=False)
    EntryFactory(round=round_, school=school, pupil_name="Quàng Văn Em", consent_publish_name=True)

    w.need = NeedFactory(
        school=school, title="Nhà vệ sinh điểm bản Khó Tìm", items=[("Nhà vệ sinh", 1, "cái", 45_000_000)]
    )
    w.other_need = NeedFactory(school=area.school_b, title="Bếp ăn bán trú Ẳng Tở")
    w.draft_need = NeedFactory(school=school, title="Nhu cầu nháp", status=Need.Status.DRAFT)
    staff = area.staff_a

    def gift(need, name, email, amount, *, phone="", anonymous=False, received=True, on=date(2026, 10, 5)):
        donor = DonorDetails(name=name, email=email, phone=phone)
        pledge, _ = pledge_create(
            need=need, donor=donor, amount=amount, anonymous=anonymous, message="Lời nhắn riêng của nhà hảo tâm"
        )
        if received:
            pledge = pledge_receive(pledge=pledge, actor=staff, amount=amount, received_on=on)
        return pledge

    w.named = gift(w.need, "Trần Thu Hà", "named.donor@example.vn", 1_250_000, phone="0987333444")
    w.hidden = gift(w.need, "Phạm Bí Mật", "hidden.donor@example.vn", 2_000_000, phone="0987111222", anonymous=True)
    w.guest = gift(
        w.other_need, "Công ty Sông Đà", "guest.donor@example.vn", 3_000_000, phone="0987555666", on=date(2026, 11, 2)
    )
    w.waiting = gift(w.need, "Đỗ Chưa Chuyển", "waiting@example.vn", 7_777_000, received=False)
    fund_gift, _ = pledge_create(
        fund=w.fund, donor=DonorDetails(name="Quỹ Hảo Tâm", email="fund.donor@example.vn"), amount=500_000
    )
    w.fund_gift = pledge_receive(pledge=fund_gift, actor=area.officer_a, amount=500_000, received_on=date(2026, 11, 3))
    plan = plan_draft(fund=w.fund, actor=w.drafter, title="Phân bổ đợt 1", reason="Căn cứ đề xuất")
    line_add(plan=plan, need=w.need_1, amount=1_000_000, actor=w.drafter)
    w.plan = plan_approve(plan=plan, actor=w.approver, signer=w.signer)
    return w


def walk(value):
    """Every string and number in a JSON value, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    elif value is not None:
        yield value


@pytest.fixture
def no_rate_limit(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "open_data": ""}
