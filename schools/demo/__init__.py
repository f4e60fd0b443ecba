"""Demo registry: Điện Biên (Tuần Giáo from the seed plan, plus two more districts)
and Bắc Giang for the letters contest, with the demo logins; then the reform of
1 July 2025 and today's offices.

Before the reform (`load_before_reform`): the three-tier map of the seed plans
(`units.csv`, real codes from `vietnam-provinces` 0.6.0), the district education
offices, the schools and the first logins.

Today (`load`): the current map of Điện Biên (11) and Bắc Ninh (24, which took in Bắc
Giang) from the `vietnam-provinces` package, loaded over the old one by
`schools.units.load_map` with the real merger of the old communes (the national mapping,
`schools/data/communes_2025.csv`): the
old units are kept, abolished on 1 July 2025 with their successors, and the schools move
to their new communes (a history row each). Only these two provinces are loaded, so
`seed_demo` stays quick; `load_units` (`make units`) loads the other 32 afterwards and
changes nothing here. Then the offices of today: the Culture and Society division of
the People's Committee of Xã Mường Mùn (which took in Pú Xi), the departments of Bắc
Ninh, and their logins.

The national mapping (made by `ops/unit_mapping.py` from `vietnamadminunits` 1.0.4's
data, per the National Assembly Standing Committee's resolutions of 2025) splits no demo
commune. Three old communes of Bắc Giang's list (Xã Tân An 07693, Xã Nham Sơn 07732, Xã
Thắng Cương 07744) are absent from it (presumably merged into others earlier); with no
row they are abolished without a successor (no school stands in them).

Every row is looked up before it is created, with fixed values, so a second run finds
every row in place and changes nothing; rows of the old map are found by what survives
the reform (a code, not a current unit).
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
from schools.units import load_map, national_mapping_rows, package_rows

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo password, never used in production
UNITS_CSV = Path(__file__).with_name("units.csv")
# The provinces of the demo on today's map: Điện Biên, and Bắc Ninh (24, Bắc Giang's code).
PROVINCES_TODAY = {"11", "24"}
Level = AdministrativeUnit.Level
# The demo's old district and the commune that took in Pú Xi (the demo school) in 2025.
TUAN_GIAO = "099"
MUONG_MUN = "03268"

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

# Today's offices, on units of the current map (the same columns). Since 1 July 2025 the
# commune People's Committee manages its preschools, primary and lower-secondary schools
# through its Culture and Society division; the departments stay with the province.
OFFICES_TODAY = [
    (
        "vhxh-muong-mun",
        "Phòng Văn hóa - Xã hội xã Mường Mùn",
        "Phòng VH-XH xã Mường Mùn",
        "education_office",
        MUONG_MUN,
        "vhxh.muongmun@dienbien.demo.vn",
    ),
    ("ubnd-xa-muong-mun", "Ủy ban nhân dân xã Mường Mùn", "UBND xã Mường Mùn", "peoples_committee", MUONG_MUN, ""),
    (
        "skhcn-bac-ninh",
        "Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
        "Sở KH&CN Bắc Ninh",
        "information_department",
        "24",
        "vanphong.skhcn@bacninh.demo.vn",
    ),
    (
        "sgddt-bac-ninh",
        "Sở Giáo dục và Đào tạo tỉnh Bắc Ninh",
        "Sở GD&ĐT Bắc Ninh",
        "education_department",
        "24",
        "vanphong.sgddt@bacninh.demo.vn",
    ),
    ("buu-dien-bac-ninh", "Bưu điện tỉnh Bắc Ninh", "Bưu điện tỉnh Bắc Ninh", "post", "24", ""),
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

# Logins of today's offices (the same columns).
USERS_TODAY = [
    (
        "commune@demo.vn",
        "Lường Thị Phương",
        "0912 345 607",
        "officer",
        "vhxh-muong-mun",
        "Công chức Văn hóa - Xã hội",
    ),
    (
        "organiser3@demo.vn",
        "Nguyễn Đức Thắng",
        "0912 345 608",
        "organiser",
        "skhcn-bac-ninh",
        "Phòng Bưu chính, Viễn thông và Chuyển đổi số",
    ),
    # The department's second person for allocation plans of its programme fund.
    ("approver@demo.vn", "Lê Thị Thu Hằng", "0912 345 609", "officer", "sgddt-dien-bien", "Phó Giám đốc"),
]

# Officers who approve the allocation plans of their office's programme funds.
APPROVERS = {"approver@demo.vn"}

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
    """The old map of the seed plans, once: after the reform its units are abolished
    rows, and importing the file again would rename today's units that share a code."""
    if AdministrativeUnit.objects.filter(level=Level.DISTRICT, code=TUAN_GIAO).exists():
        return
    if AdministrativeUnit.objects.filter(level=Level.COMMUNE, province__code="11", district__isnull=True).exists():
        raise RuntimeError(
            "The registry holds today's map of Điện Biên without the old one: the demo starts from the map "
            "before 1 July 2025, so load it into a fresh database (seed_demo, then load_units)."
        )
    report = import_units(UNITS_CSV.read_bytes())
    if report.rejected:
        raise RuntimeError(f"demo units rejected: {report.rejected}")
    if report.created:
        out(f"  administrative units: {report.created} created")


def _current_unit(code: str) -> AdministrativeUnit:
    level = {width: level for level, width in AdministrativeUnit.CODE_WIDTH.items()}[len(code)]
    return AdministrativeUnit.objects.get(level=level, code=code, abolished_on__isnull=True)


def _create_offices(rows) -> dict[str, Office]:
    offices = {}
    for code, name, short_name, kind, unit_code, emails in rows:
        office = Office.objects.filter(code=code).first()
        if office is None:
            # Looked up only to create: after the reform an old office's unit is abolished.
            office = Office.objects.create(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                unit=_current_unit(unit_code),
                digest_emails=emails,
            )
        offices[code] = office
    return offices


def _create_schools(out) -> dict[str, School]:
    rng = random.Random(2021)  # the programme's first year: fixed, so every run is the same
    now = timezone.now()
    villages = iter(VILLAGES * 2)
    schools, created = {}, 0
    for index, (code, name, level, commune_code, boarding, pupils, minority, site_count) in enumerate(SCHOOLS):
        # The same random draws on every run, whether the school is created or found.
        lat_shift, lon_shift = rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)
        # One school in five has not confirmed its profile for a long time: the stale flag shows.
        confirmed_days_ago = 240 + index if index % 5 == 3 else 10 + index * 3
        school = School.objects.filter(code=code).first()
        if school is None:
            # Created on the old map; after the reform the school is found, in its new commune.
            commune = _current_unit(commune_code)
            lat, lon = CENTRES[commune.parent.code]
            school = School.objects.create(
                code=code,
                name=name,
                level=level,
                commune=commune,
                address=f"Bản {VILLAGES[-1 - index]}",
                latitude=Decimal(f"{lat + lat_shift:.6f}"),
                longitude=Decimal(f"{lon + lon_shift:.6f}"),
                pupils=pupils,
                ethnic_minority_percent=minority,
                boarding=boarding,
                focal_point_name=_FOCAL_POINTS[index % len(_FOCAL_POINTS)],
                principal_name=_principal(code, index),
                focal_point_phone=f"0914 {200 + index:03d} {100 + index * 7:03d}",
                profile_confirmed_at=now - timedelta(days=confirmed_days_ago),
            )
            created += 1
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


# The principals who sign the schools' letters (HIỆU TRƯỞNG): Pú Xi's is the demo's
# school login; the others' names are made up, one per school.
_PRINCIPAL_OF = {"11099012": "Lò Văn Thành"}
_FAMILIES = ["Quàng", "Cà", "Lường", "Vừ", "Giàng", "Tòng", "Điêu", "Mùa", "Nguyễn", "Trần", "Hoàng"]
_GIVEN = ["Văn Hùng", "Thị Lan", "Văn Tuấn", "Thị Mai", "Văn Khải", "Thị Yến", "Văn Chung"]


def _principal(code: str, index: int) -> str:
    return _PRINCIPAL_OF.get(code) or f"{_FAMILIES[index % len(_FAMILIES)]} {_GIVEN[index % len(_GIVEN)]}"


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


def _create_users(rows, schools, offices) -> None:
    User = get_user_model()
    for email, full_name, phone, role, target, title in rows:
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
            office = offices.get(target) or Office.objects.get(code=target)
            Membership.objects.get_or_create(
                user=user,
                role=role,
                office=office,
                defaults={"title": title, "approves_allocations": email in APPROVERS},
            )


def _reform(out) -> None:
    """Today's map of the demo's provinces over the old one, with the real merger."""
    report = load_map(
        rows=package_rows(PROVINCES_TODAY),
        national=national_mapping_rows(),
        provinces=PROVINCES_TODAY,
    )
    if report.stranded:
        raise RuntimeError(f"demo schools left in abolished communes: {report.stranded}")
    if report.changed:
        out(
            f"  the map of 1 July 2025 (Điện Biên, Bắc Ninh): {len(report.created)} units created, "
            f"{len(report.abolished)} abolished, {len(report.moved)} schools moved to their new communes"
        )


@transaction.atomic
def load_before_reform(out) -> None:
    _create_units(out)
    offices = _create_offices(OFFICES)
    schools = _create_schools(out)
    _create_users(USERS, schools, offices)


@transaction.atomic
def load(out) -> None:
    _reform(out)
    offices = _create_offices(OFFICES_TODAY)
    _create_users(USERS_TODAY, {}, offices)
