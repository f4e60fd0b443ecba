"""Demo registry: Điện Biên (Tuần Giáo from the seed plan, plus two more districts)
and Bắc Giang for the letters contest, with the demo logins.

Everything is created with get_or_create and fixed values, so a second run finds
every row in place and changes nothing.
"""

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from schools.models import AdministrativeUnit, Membership, Office, School, SchoolSite
from schools.services import import_units

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo password, never used in production
UNITS_CSV = Path(__file__).with_name("units.csv")

OFFICES = [
    # code, name, short name, kind, unit code, digest addresses
    (
        "sgddt-dien-bien",
        "Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        "Sở GD&ĐT Điện Biên",
        "education_department",
        "11",
        "vanphong.sgddt@dienbien.demo.vn",
    ),
    (
        "pgddt-tuan-giao",
        "Phòng Giáo dục và Đào tạo huyện Tuần Giáo",
        "Phòng GD&ĐT Tuần Giáo",
        "education_office",
        "099",
        "pgddt.tuangiao@demo.vn",
    ),
    (
        "pgddt-muong-ang",
        "Phòng Giáo dục và Đào tạo huyện Mường Ảng",
        "Phòng GD&ĐT Mường Ảng",
        "education_office",
        "102",
        "pgddt.muongang@demo.vn",
    ),
    (
        "pgddt-dien-bien-dong",
        "Phòng Giáo dục và Đào tạo huyện Điện Biên Đông",
        "Phòng GD&ĐT Điện Biên Đông",
        "education_office",
        "101",
        "pgddt.dienbiendong@demo.vn",
    ),
    ("ubnd-tuan-giao", "Ủy ban nhân dân huyện Tuần Giáo", "UBND huyện Tuần Giáo", "peoples_committee", "099", ""),
    (
        "ttvh-tuan-giao",
        "Trung tâm Văn hóa – Truyền thanh – Truyền hình huyện Tuần Giáo",
        "TT VH-TT-TH Tuần Giáo",
        "culture_centre",
        "099",
        "",
    ),
    (
        "stttt-bac-giang",
        "Sở Thông tin và Truyền thông tỉnh Bắc Giang",
        "Sở TT&TT Bắc Giang",
        "information_department",
        "24",
        "vanphong.stttt@bacgiang.demo.vn",
    ),
    (
        "sgddt-bac-giang",
        "Sở Giáo dục và Đào tạo tỉnh Bắc Giang",
        "Sở GD&ĐT Bắc Giang",
        "education_department",
        "24",
        "vanphong.sgddt@bacgiang.demo.vn",
    ),
    ("tinh-doan-bac-giang", "Tỉnh đoàn Bắc Giang", "Tỉnh đoàn Bắc Giang", "youth_union", "24", ""),
    ("buu-dien-bac-giang", "Bưu điện tỉnh Bắc Giang", "Bưu điện tỉnh Bắc Giang", "post", "24", ""),
]

# code, name, level, commune code, boarding, pupils, ethnic-minority %, satellite sites
SCHOOLS = [
    ("11099001", "Trường Mầm non Thị trấn Tuần Giáo", "preschool", "03253", "none", 412, 38, 1),
    ("11099002", "Trường Tiểu học Thị trấn Tuần Giáo", "primary", "03253", "none", 786, 35, 0),
    ("11099003", "Trường PTDTBT Tiểu học Phình Sáng", "primary", "03259", "semi", 468, 99, 4),
    ("11099004", "Trường PTDTBT THCS Phình Sáng", "lower_secondary", "03259", "semi", 352, 99, 0),
    ("11099005", "Trường Mầm non Rạng Đông", "preschool", "03260", "none", 261, 98, 4),
    ("11099006", "Trường PTDTBT TH&THCS Rạng Đông", "inter_level", "03260", "semi", 574, 98, 3),
    ("11099007", "Trường PTDTBT Tiểu học Mùn Chung", "primary", "03262", "semi", 391, 97, 3),
    ("11099008", "Trường Mầm non Nà Tòng", "preschool", "03263", "none", 224, 99, 3),
    ("11099009", "Trường PTDTBT Tiểu học Ta Ma", "primary", "03265", "semi", 318, 100, 4),
    ("11099010", "Trường PTDTBT THCS Ta Ma", "lower_secondary", "03265", "semi", 246, 100, 0),
    ("11099011", "Trường Mầm non Mường Mùn", "preschool", "03268", "none", 287, 96, 3),
    ("11099012", "Trường PTDTBT Tiểu học Pú Xi", "primary", "03269", "semi", 356, 100, 5),
    ("11099013", "Trường PTDTBT TH&THCS Pú Nhung", "inter_level", "03271", "semi", 612, 99, 4),
    ("11099014", "Trường Tiểu học Quài Nưa", "primary", "03274", "none", 534, 92, 2),
    ("11099015", "Trường Mầm non Mường Thín", "preschool", "03277", "none", 198, 97, 3),
    ("11099016", "Trường PTDTBT Tiểu học Tỏa Tình", "primary", "03280", "semi", 402, 100, 4),
    ("11099017", "Trường PTDTBT TH&THCS Nà Sáy", "inter_level", "03283", "semi", 489, 99, 3),
    ("11099018", "Trường Mầm non Mường Khong", "preschool", "03284", "none", 176, 98, 2),
    ("11099019", "Trường Tiểu học Quài Cang", "primary", "03289", "none", 498, 90, 2),
    ("11099020", "Trường THCS Quài Tở", "lower_secondary", "03295", "semi", 331, 95, 0),
    ("11099021", "Trường Mầm non Chiềng Sinh", "preschool", "03298", "none", 305, 88, 2),
    ("11099022", "Trường PTDTBT Tiểu học Chiềng Đông", "primary", "03299", "semi", 287, 97, 3),
    ("11099023", "Trường PTDTBT TH&THCS Tênh Phông", "inter_level", "03304", "semi", 436, 100, 4),
    ("11102001", "Trường PTDTBT Tiểu học Ẳng Tở", "primary", "03292", "semi", 417, 98, 3),
    ("11102002", "Trường Mầm non Búng Lao", "preschool", "03301", "none", 256, 90, 2),
    ("11102003", "Trường THCS Xuân Lao", "lower_secondary", "03302", "semi", 298, 96, 0),
    ("11101001", "Trường PTDTBT TH&THCS Phình Giàng", "inter_level", "03382", "semi", 521, 100, 4),
    ("11101002", "Trường PTDTBT Tiểu học Háng Lìa", "primary", "03385", "semi", 344, 100, 3),
    ("24213001", "Trường THCS Ngô Sĩ Liên", "lower_secondary", "07207", "none", 1180, 2, 0),
    ("24213002", "Trường THCS Thọ Xương", "lower_secondary", "07201", "none", 960, 2, 0),
    ("24216001", "Trường THCS Nhã Nam", "lower_secondary", "07306", "none", 640, 6, 0),
    ("24216002", "Trường THCS Cao Xá", "lower_secondary", "07336", "none", 585, 4, 0),
]

VILLAGES = [
    "Hua Sát",
    "Háng Tàu",
    "Phiêng Cải",
    "Hua Ca",
    "Nậm Din",
    "Co Muông",
    "Hô Củ",
    "Khó Bua",
    "Trạm Củ",
    "Hua Mùn",
    "Thẳm Pao",
    "Huổi Cáy",
    "Phình Cứ",
    "Sáng Tớ",
    "Kép",
    "Nà Đắng",
    "Pá Chả",
    "Đề Chu",
    "Huổi Sông",
    "Lồng",
    "Chiềng An",
    "Có",
    "Cang",
    "Háng Á",
    "Hua Chăn",
    "Xá Nhè",
    "Phiêng Hoa",
    "Pú Nhung",
    "Ten Hon",
    "Sông Ia",
    "Kề Cải",
    "Huổi Lốt",
    "Nong Tở",
    "Pá Pao",
    "Hồng Lực",
    "Thẩm Mú",
    "Phiêng Pi",
    "Huổi Củ",
    "Nà Ngựu",
    "Chăn",
    "Thớ Tỷ",
    "Xá Tự",
    "Pú Ổ",
    "Ten Núa",
    "Hin Pắn",
    "Hua Nạ",
    "Huổi Khạ",
    "Lúm",
    "Pha Khác",
    "Nậm Mu",
    "Kệt",
    "Phiêng Vang",
    "Từ Ngoài",
    "Từ Trong",
    "Háng Khúa",
    "Pề Ngài",
    "Trung Sua",
    "Nậm Cá",
    "Huổi Anh",
    "Hua Nặm",
    "Bó Lếch",
    "Sẳng",
    "Thẳm Xả",
    "Pú Khớ",
    "Phiêng Hin",
    "Kéo",
    "Ta Cơn",
    "Nà Chua",
    "Chế Á",
    "Nậm Bay",
    "Thẳm Táng",
]

USERS = [
    # e-mail, full name, phone, role, school code or office code, position
    ("school@demo.vn", "Lò Văn Thành", "0912 345 601", "school_staff", "11099012", "Hiệu trưởng"),
    ("district@demo.vn", "Quàng Thị Hoa", "0912 345 602", "officer", "pgddt-tuan-giao", "Chuyên viên"),
    ("province@demo.vn", "Nguyễn Văn Minh", "0912 345 603", "officer", "sgddt-dien-bien", "Chuyên viên"),
    ("donor@demo.vn", "Trần Thu Hà", "0912 345 604", None, None, ""),
    (
        "organiser@demo.vn",
        "Nguyễn Thị Lan Anh",
        "0912 345 605",
        "organiser",
        "stttt-bac-giang",
        "Phòng Bưu chính Viễn thông",
    ),
    ("admin@demo.vn", "Quản trị hệ thống", "", None, None, ""),
]

# Rough centres of the demo districts, for plausible school coordinates.
CENTRES = {
    "099": (21.59, 103.42),
    "102": (21.51, 103.25),
    "101": (21.25, 103.28),
    "213": (21.27, 106.19),
    "216": (21.38, 106.10),
}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _create_units(out) -> None:
    report = import_units(UNITS_CSV.read_bytes())
    if report.rejected:
        raise RuntimeError(f"demo units rejected: {report.rejected}")
    if report.created:
        out(f"  administrative units: {report.created} created")


def _create_offices() -> dict[str, Office]:
    offices = {}
    for code, name, short_name, kind, unit_code, emails in OFFICES:
        unit = AdministrativeUnit.objects.get(code=unit_code, abolished_on__isnull=True)
        offices[code], _ = Office.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short_name, "kind": kind, "unit": unit, "digest_emails": emails},
        )
    return offices


def _create_schools(out) -> dict[str, School]:
    rng = random.Random(2021)  # the programme's first year: fixed, so every run is the same
    now = timezone.now()
    communes = {u.code: u for u in AdministrativeUnit.objects.filter(level="commune", abolished_on__isnull=True)}
    villages = iter(VILLAGES * 2)
    schools, created = {}, 0
    for index, (code, name, level, commune_code, boarding, pupils, minority, site_count) in enumerate(SCHOOLS):
        commune = communes[commune_code]
        district_code = commune.parent.code
        lat, lon = CENTRES[district_code]
        # One school in five has not confirmed its profile for a long time: the stale flag shows.
        confirmed_days_ago = 240 + index if index % 5 == 3 else 10 + index * 3
        school, was_created = School.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "commune": commune,
                "address": f"Bản {VILLAGES[-1 - index]}",
                "latitude": Decimal(f"{lat + rng.uniform(-0.12, 0.12):.6f}"),
                "longitude": Decimal(f"{lon + rng.uniform(-0.12, 0.12):.6f}"),
                "pupils": pupils,
                "ethnic_minority_percent": minority,
                "boarding": boarding,
                "focal_point_name": _FOCAL_POINTS[index % len(_FOCAL_POINTS)],
                "focal_point_phone": f"0914 {200 + index:03d} {100 + index * 7:03d}",
                "profile_confirmed_at": now - timedelta(days=confirmed_days_ago),
            },
        )
        created += was_created
        schools[code] = school
        for _site in range(site_count):
            village = next(villages)
            small = level == "preschool"
            SchoolSite.objects.get_or_create(
                school=school,
                name=f"Điểm trường bản {village}",
                defaults={
                    "village": f"Bản {village}",
                    "distance_km": Decimal(f"{rng.uniform(2, 24):.1f}"),
                    "pupils": rng.randint(10, 40) if small else rng.randint(18, 85),
                    "electricity": _pick(rng, [("grid", 5), ("unreliable", 2), ("solar", 1), ("none", 2)]),
                    "water_source": _pick(
                        rng, [("piped", 2), ("gravity", 3), ("well", 1), ("stream", 2), ("rainwater", 1), ("none", 1)]
                    ),
                    "toilet": _pick(rng, [("good", 35), ("degraded", 40), ("none", 25)]),
                },
            )
    if created:
        out(f"  schools: {created} created")
    return schools


_FOCAL_POINTS = [
    "Lò Thị Xuân",
    "Quàng Văn Hặc",
    "Cà Thị Ngọc",
    "Lường Văn Pánh",
    "Vừ A Dê",
    "Giàng Thị Mỷ",
    "Tòng Văn Hải",
    "Lò Văn Bun",
    "Mùa A Sùng",
    "Điêu Thị Hương",
]


def _create_users(schools, offices, out) -> None:
    User = get_user_model()
    for email, full_name, phone, role, target, title in USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "phone": phone})
        if created:
            user.set_password(DEMO_PASSWORD)
            if email == "admin@demo.vn":
                user.is_staff = user.is_superuser = True
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if role == "school_staff":
            Membership.objects.get_or_create(user=user, role=role, school=schools[target], defaults={"title": title})
        elif role:
            Membership.objects.get_or_create(user=user, role=role, office=offices[target], defaults={"title": title})


@transaction.atomic
def load(out) -> None:
    _create_units(out)
    offices = _create_offices()
    schools = _create_schools(out)
    _create_users(schools, offices, out)
