"""A department of the current map with many communes, for the digest's comparison
(tests/oversight/test_digest_comparison.py and the look of the mail in
tests/e2e/test_digest_look.py).

Thirty-six communes straight under the province, one primary school each, an office
for each commune and the department. What each commune has done is chosen so that the
rule of `oversight.comparison` gives one order and only one:

behind (overdue needs + overdue pledges, then the longest wait, then the name)
  Xã Bản Công    3 needs waiting 20 days                 3, 20 days
  Xã Cẩm Thạch   2 needs waiting 10 days + 1 late pledge 3, 10 days
  Xã Đồng Lương  2 needs waiting 30 days (and 100 % funded: still behind)
  Xã Hồi Xuân    1 need waiting 8 days                   1, 8 days
  Xã Ban Công    1 late pledge                           1, no wait
  Xã Yên Khương  1 late pledge                           1, no wait: sixth, by name
ahead (nothing overdue; share pledged, then delivered, then the name)
  Xã Mường Lát   100 %, 1 delivered
  Xã Nam Xuân    100 %, 0 delivered
  Xã Pù Nhi      50 %, 1 delivered
  Xã Quang Chiểu 50 %, 0 delivered
  Xã Sơn Thủy    20 %
  Xã Tam Chung   10 %: sixth
neither
  Xã Thiên Phủ   a verified need, nothing pledged yet (nothing achieved)
  Xã Trung Lý    a need waiting 3 days (not late)
  22 more communes with a school and nothing else.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from donations.models import Pledge
from needs.models import Need
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, MembershipFactory, OfficeFactory, ProvinceFactory, SchoolFactory

S = Need.Status
MILLION = 1_000_000

BEHIND = ["Xã Bản Công", "Xã Cẩm Thạch", "Xã Đồng Lương", "Xã Hồi Xuân", "Xã Ban Công"]
SIXTH_BEHIND = "Xã Yên Khương"
AHEAD = ["Xã Mường Lát", "Xã Nam Xuân", "Xã Pù Nhi", "Xã Quang Chiểu", "Xã Sơn Thủy"]
SIXTH_AHEAD = "Xã Tam Chung"
QUIET = ["Xã Thiên Phủ", "Xã Trung Lý"]
OTHERS = [f"Xã Thử {n:02d}" for n in range(1, 23)]
COMMUNES = [*BEHIND, SIXTH_BEHIND, *AHEAD, SIXTH_AHEAD, *QUIET, *OTHERS]


def add_need(school, status, *, requested=10 * MILLION, pledged=0, waiting_days=None):
    need = NeedFactory(school=school, status=status, items=[("Bàn ghế", 10, "bộ", requested // 10)])
    changes = {"amount_pledged": pledged}
    if waiting_days is not None:
        changes["submitted_at"] = timezone.now() - timedelta(days=waiting_days)
    Need.objects.filter(pk=need.pk).update(**changes)
    return need


def add_late_pledge(school):
    need = add_need(school, S.VERIFIED)
    pledge = PledgeFactory(need=need, status=Pledge.Status.PLEDGED)
    Pledge.objects.filter(pk=pledge.pk).update(created_at=timezone.now() - timedelta(days=10))


def add_communes(province, names, first_code):
    """Communes straight under the province, a primary school and a commune office each."""
    communes = {}
    for offset, name in enumerate(names):
        commune = CommuneFactory(parent=province, name=name, code=f"{first_code + offset:05d}")
        school = SchoolFactory(commune=commune, name=f"Trường Tiểu học {name.removeprefix('Xã ')}")
        OfficeFactory(unit=commune, name=f"Phòng Văn hóa - Xã hội UBND {name.lower()}")
        communes[name] = SimpleNamespace(unit=commune, school=school)
    return communes


def build_department_of_communes():
    w = SimpleNamespace()
    w.province = ProvinceFactory(name="Tỉnh Thanh Hóa", code="38")
    w.department = OfficeFactory(
        unit=w.province, kind="education_department", name="Sở Giáo dục và Đào tạo Thanh Hóa", code="sgddt-thanh-hoa"
    )
    w.officer = MembershipFactory(role="officer", office=w.department).user
    w.communes = add_communes(w.province, COMMUNES, 15000)
    school = {name: c.school for name, c in w.communes.items()}

    for _ in range(3):
        add_need(school["Xã Bản Công"], S.SUBMITTED, waiting_days=20)
    for _ in range(2):
        add_need(school["Xã Cẩm Thạch"], S.SUBMITTED, waiting_days=10)
    add_late_pledge(school["Xã Cẩm Thạch"])
    for _ in range(2):
        add_need(school["Xã Đồng Lương"], S.SUBMITTED, waiting_days=30)
    add_need(school["Xã Đồng Lương"], S.FUNDED, pledged=10 * MILLION)
    add_need(school["Xã Hồi Xuân"], S.SUBMITTED, waiting_days=8)
    add_late_pledge(school["Xã Ban Công"])
    add_late_pledge(school["Xã Yên Khương"])

    add_need(school["Xã Mường Lát"], S.DELIVERED, pledged=10 * MILLION)
    add_need(school["Xã Nam Xuân"], S.FUNDED, pledged=10 * MILLION)
    add_need(school["Xã Pù Nhi"], S.DELIVERED, pledged=10 * MILLION)
    add_need(school["Xã Pù Nhi"], S.VERIFIED)
    add_need(school["Xã Quang Chiểu"], S.VERIFIED, pledged=5 * MILLION)
    add_need(school["Xã Sơn Thủy"], S.VERIFIED, pledged=2 * MILLION)
    add_need(school["Xã Tam Chung"], S.VERIFIED, pledged=1 * MILLION)

    add_need(school["Xã Thiên Phủ"], S.VERIFIED)
    add_need(school["Xã Trung Lý"], S.SUBMITTED, waiting_days=3)
    return w
