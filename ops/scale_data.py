"""Synthetic data at national scale, for the benchmark (`generate_scale_data`).

Vietnam has 34 provinces, 3,321 communes and about 54,000 schools. This module writes
a country of that shape. By default the current map (since 1 July 2025): 34 provinces
with their real numbers of communes (`CURRENT_PROVINCES`), communes directly under the
province, no districts; the Culture and Society division of the commune People's
Committee as the education office of every commune with schools, and the provincial
Department of Education and Training, each with an officer (the department verifies the
upper-secondary schools, the commune office the others). With `shape="three-tier"` the
old map instead: provinces, synthetic districts of `communes_per_district` communes, an
education office per province and district. Then, in both shapes: schools with
satellite sites and a staff member; needs in every status with items and history; pledges that add up exactly to
every need's pledged and received counters, with their history; donors; one contest
round per province with its entries.

Rows are written with PostgreSQL COPY in chunks (plain INSERTs elsewhere), primary keys
are handed out here so foreign keys need no read-back, and everything is drawn from one
seeded random generator and an as-of date: the same arguments give the same data.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from core.text import fold
from needs.demo import TEMPLATES as NEED_TEMPLATES
from needs.models import Need

PROVINCES = [
    "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn", "Sơn La",
    "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hà Nội", "Hải Phòng", "Hưng Yên", "Ninh Bình", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa",
    "Lâm Đồng", "Đồng Nai", "Tây Ninh", "Hồ Chí Minh", "Đồng Tháp", "An Giang", "Vĩnh Long", "Cần Thơ", "Cà Mau",
]  # fmt: skip

# The current map: official code, name, communes (wards and special zones included), read
# once from the data package vietnam-provinces 2025.10.1 (data of 18/10/2025) and written
# down here, so the generator needs no package: 3,321 communes in all.
# tests/ops/test_scale_data.py checks the table against the package when it is installed.
CURRENT_PROVINCES = [
    ("01", "Thành phố Hà Nội", 126), ("04", "Tỉnh Cao Bằng", 56), ("08", "Tỉnh Tuyên Quang", 124),
    ("11", "Tỉnh Điện Biên", 45), ("12", "Tỉnh Lai Châu", 38), ("14", "Tỉnh Sơn La", 75),
    ("15", "Tỉnh Lào Cai", 99), ("19", "Tỉnh Thái Nguyên", 92), ("20", "Tỉnh Lạng Sơn", 65),
    ("22", "Tỉnh Quảng Ninh", 54), ("24", "Tỉnh Bắc Ninh", 99), ("25", "Tỉnh Phú Thọ", 148),
    ("31", "Thành phố Hải Phòng", 114), ("33", "Tỉnh Hưng Yên", 104), ("37", "Tỉnh Ninh Bình", 129),
    ("38", "Tỉnh Thanh Hóa", 166), ("40", "Tỉnh Nghệ An", 130), ("42", "Tỉnh Hà Tĩnh", 69),
    ("44", "Tỉnh Quảng Trị", 78), ("46", "Thành phố Huế", 40), ("48", "Thành phố Đà Nẵng", 94),
    ("51", "Tỉnh Quảng Ngãi", 96), ("52", "Tỉnh Gia Lai", 135), ("56", "Tỉnh Khánh Hòa", 65),
    ("66", "Tỉnh Đắk Lắk", 102), ("68", "Tỉnh Lâm Đồng", 124), ("75", "Tỉnh Đồng Nai", 95),
    ("79", "Thành phố Hồ Chí Minh", 168), ("80", "Tỉnh Tây Ninh", 96), ("82", "Tỉnh Đồng Tháp", 102),
    ("86", "Tỉnh Vĩnh Long", 124), ("91", "Tỉnh An Giang", 102), ("92", "Thành phố Cần Thơ", 103),
    ("96", "Tỉnh Cà Mau", 64),
]  # fmt: skip
TWO_TIER, THREE_TIER = "two-tier", "three-tier"
SHAPES = (TWO_TIER, THREE_TIER)


def communes_per_province(provinces: int, communes: int | None) -> list[tuple[str, str, int]]:
    """(official code, name, communes) of the first `provinces` provinces of the current
    map, with `communes` in all shared in proportion to their real numbers (largest
    remainders, at least one each); None keeps the real numbers. Provinces past the 34
    are made up, each of the average size."""
    table = CURRENT_PROVINCES[:provinces]
    average = round(sum(n for _c, _n, n in CURRENT_PROVINCES) / len(CURRENT_PROVINCES))
    table += [(f"{n + 1:02d}", f"Tỉnh {n + 1}", average) for n in range(len(table), provinces)]
    real = [n for _c, _n, n in table]
    if communes is None:
        return table
    if communes < provinces:
        raise ValueError("At least one commune per province.")
    total = sum(real)
    quotas = [communes * n / total for n in real]
    shares = [int(q) for q in quotas]
    by_remainder = sorted(range(len(table)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[: communes - sum(shares)]:
        shares[i] += 1
    # A province too small for its share still gets one, taken from the largest.
    for i, share in enumerate(shares):
        if share == 0:
            shares[i] = 1
            shares[max(range(len(shares)), key=lambda j: (shares[j], -j))] -= 1
    return [(code, name, share) for (code, name, _n), share in zip(table, shares, strict=True)]


# Syllables of place names in the northern mountains, for communes, villages and sites.
SYLLABLES = [
    "Pú", "Xi", "Mường", "Thín", "Chiềng", "Sinh", "Nà", "Sáy", "Quài", "Cang", "Tỏa", "Tình", "Rạng", "Đông",
    "Phình", "Sáng", "Ta", "Ma", "Mùn", "Chung", "Khong", "Hin", "Lao", "Mú", "Tủa", "Chùa", "Huổi", "Só",
    "Lếch", "Nưa", "Pắc", "Nậm", "Hua", "Ná", "Tà", "Lèng", "Séo", "Sủng", "Páo", "Phìn", "Hồ", "Sủ", "Lũng",
    "Cò", "Bó", "Tạo", "Sán", "Chải", "Ngài", "Thầu", "Xá", "Dề", "Lìn", "Vàng", "Khoen", "On", "Ảng", "Tở",
]  # fmt: skip
FAMILY_NAMES = ["Lò", "Quàng", "Lường", "Vì", "Giàng", "Mùa", "Sùng", "Thào", "Cầm", "Tòng", "Nguyễn", "Hoàng"]
GIVEN_NAMES = [
    "Văn Minh", "Thị Lan", "A Páo", "Thị Mai", "Văn Sơn", "Thị Hoa", "A Sử", "Thị Dung", "Văn Tuấn",
    "Thị Hương", "A Dình", "Thị Ngọc", "Văn Hùng", "Thị Linh", "A Chở", "Thị Thu",
]  # fmt: skip
SCHOOL_KINDS = [
    ("primary", "Trường PTDTBT Tiểu học"),
    ("primary", "Trường Tiểu học"),
    ("lower_secondary", "Trường PTDTBT THCS"),
    ("lower_secondary", "Trường THCS"),
    ("inter_level", "Trường PTDTBT TH&THCS"),
    ("preschool", "Trường Mầm non"),
]
UPPER_SECONDARY = ("upper_secondary", "Trường THPT")
UPPER_SECONDARY_SHARE = 0.06  # of the schools on the current map (the department's own)
DONOR_KINDS = ["person"] * 8 + ["business", "organisation"]

# How many of each hundred needs end in each status, and the path they took.
STATUS_SHARES = [
    ("draft", 4),
    ("submitted", 6),
    ("returned", 2),
    ("verified", 42),
    ("funded", 14),
    ("delivered", 14),
    ("closed", 10),
    ("cancelled", 4),
    ("expired", 4),
]
PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "returned": ["submitted", "returned"],
    "verified": ["submitted", "verified"],
    "funded": ["submitted", "verified", "funded"],
    "delivered": ["submitted", "verified", "funded", "delivered"],
    "closed": ["submitted", "verified", "funded", "delivered", "closed"],
    "cancelled": ["submitted", "cancelled"],
    "expired": ["submitted", "verified", "expired"],
}
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as donations.models
REFERENCE_SPACE = len(REFERENCE_ALPHABET) ** 6
REFERENCE_STRIDE = 387_420_489  # 3**18: coprime with 31**6, so index -> code is a bijection


@dataclass
class Sizes:
    schools: int = 54_000
    sites_per_school: float = 2.0
    needs_per_school: float = 11.0
    pledges_per_need: float = 7.5
    entries: int = 1_500_000
    provinces: int = 34
    # In all; None: the real numbers of the current map (3,321 for 34 provinces), or
    # 3,321 on the three-tier shape.
    communes: int | None = None
    communes_per_district: int = 10  # three-tier only
    donors: int = 150_000
    shape: str = TWO_TIER


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def reference_for(index: int) -> str:
    """A pledge reference ("DU" + 6 characters) that looks random and never repeats."""
    value = (index * REFERENCE_STRIDE + 7_777_777) % REFERENCE_SPACE
    chars = []
    for _ in range(6):
        value, digit = divmod(value, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[digit])
    return "DU" + "".join(chars)


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class Writer:
    """Writes rows to a table: COPY on PostgreSQL, executemany elsewhere, in chunks."""

    CHUNK = 50_000

    def __init__(self, report: Report, log: Callable[[str], None]):
        self.report, self.log = report, log
        self.postgres = connection.vendor == "postgresql"

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
            return cursor.fetchone()[0]

    def write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        started, count = time.monotonic(), 0
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.CHUNK:
                self._flush(table, columns, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            self._flush(table, columns, chunk)
            count += len(chunk)
        self.report.counts[table] = self.report.counts.get(table, 0) + count
        self.report.seconds[table] = self.report.seconds.get(table, 0) + time.monotonic() - started
        self.log(f"  {table}: {count:,} rows in {time.monotonic() - started:.1f} s")
        return count

    def _flush(self, table, columns, rows):
        quoted = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines("\t".join(_copy_text(v) for v in row) + "\n" for row in rows)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)

    def reset_sequences(self, tables: list[str]):
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
                )


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, as_of: date, password: str, log: Callable[[str], None]):
        self.sizes, self.seed, self.as_of = sizes, seed, as_of
        self.rng = random.Random(seed)
        self.report = Report()
        self.log = log
        self.writer = Writer(self.report, log)
        self.password_hash = make_password(password)
        # Noon on the as-of day, in UTC: the clock every generated timestamp counts back from.
        self.now = datetime(as_of.year, as_of.month, as_of.day, 5, 0, tzinfo=UTC)

    # --- helpers -------------------------------------------------------------------
    def _ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def _place_name(self, syllables: int = 2) -> str:
        return " ".join(self.rng.choice(SYLLABLES) for _ in range(syllables))

    def _person(self) -> str:
        return f"{self.rng.choice(FAMILY_NAMES)} {self.rng.choice(GIVEN_NAMES)}"

    def _users(self, rows: list[tuple[int, str, str, datetime]]) -> None:
        """Users with the shared password, and allauth's verified primary address each."""
        self.writer.write(
            "accounts_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "full_name",
                "phone",
                "is_staff",
                "is_active",
                "date_joined",
                "unread_notices",
            ],
            (
                (pk, self.password_hash, None, False, email, name, "", False, True, joined, 0)
                for pk, email, name, joined in rows
            ),
        )
        first = self.writer.next_id("account_emailaddress")
        self.writer.write(
            "account_emailaddress",
            ["id", "user_id", "email", "verified", "primary"],
            ((first + i, pk, email, True, True) for i, (pk, email, _n, _j) in enumerate(rows)),
        )

    # --- the country ----------------------------------------------------------------
    def run(self) -> Report:
        started = time.monotonic()
        with transaction.atomic():
            self.units()
            self.offices()
            self.schools()
            self.donors()
        # Large tables each commit on their own, so memory and WAL stay bounded.
        self.needs_and_pledges()
        with transaction.atomic():
            self.contest()
            self.campaigns()
        self.writer.reset_sequences(
            [
                "accounts_user", "account_emailaddress", "schools_administrativeunit", "schools_office",
                "schools_school", "schools_schoolsite", "schools_membership", "needs_need", "needs_needitem",
                "needs_needevent", "donations_pledge", "donations_pledgeevent", "donations_donorprofile",
                "letters_contest_entry",
            ]
        )  # fmt: skip
        if self.writer.postgres:
            # Statistics for the planner, and the visibility map that lets counts use
            # index-only scans: what autovacuum would do some time after a bulk load.
            # (Inside a transaction, as in tests, VACUUM cannot run: statistics only.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.report.seconds["total"] = time.monotonic() - started
        return self.report

    def units(self):
        self.log("Administrative units")
        next_id = self.writer.next_id("schools_administrativeunit")
        self.provinces: list[int] = []
        self.districts: list[tuple[int, int]] = []  # (district, province); none on the current map
        self.communes: list[tuple[int, int | None, int, str]] = []  # (commune, district, province, name)
        self.province_names: dict[int, str] = {}  # short: "Điện Biên"
        self.province_titles: dict[int, str] = {}  # as in running text: "tỉnh Điện Biên"
        self.province_codes: dict[int, str] = {}
        rows = self._three_tier(next_id) if self.sizes.shape == THREE_TIER else self._two_tier(next_id)
        self.writer.write(
            "schools_administrativeunit",
            ["id", "code", "name", "level", "parent_id", "province_id", "district_id", "abolished_on", "former_names"],
            [(*row, "[]") for row in rows],  # generated units were never renamed
        )

    def _province(self, rows, province_id, p_index, full_name):
        code = f"GP{p_index + 1:02d}"
        rows.append((province_id, code, full_name, "province", None, None, None, None))
        self.provinces.append(province_id)
        self.province_names[province_id] = full_name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
        self.province_titles[province_id] = full_name[0].lower() + full_name[1:]
        self.province_codes[province_id] = code

    def _two_tier(self, next_id) -> list[tuple]:
        """The current map: communes straight under the province, in real proportions."""
        rows, commune_no = [], 0
        for p_index, (_code, full_name, communes) in enumerate(
            communes_per_province(self.sizes.provinces, self.sizes.communes)
        ):
            province_id = next_id
            next_id += 1
            self._province(rows, province_id, p_index, full_name)
            for _ in range(communes):
                commune_no += 1
                commune_name = f"Xã {self._place_name()}"
                rows.append(
                    (next_id, f"GC{commune_no:05d}", commune_name, "commune", province_id, province_id, None, None)
                )
                self.communes.append((next_id, None, province_id, commune_name))
                next_id += 1
        return rows

    def _three_tier(self, next_id) -> list[tuple]:
        """The map before 1 July 2025, with synthetic districts of the same size."""
        sizes = self.sizes
        communes = 3_321 if sizes.communes is None else sizes.communes
        provinces = PROVINCES[: sizes.provinces] + [f"Tỉnh {n}" for n in range(len(PROVINCES), sizes.provinces)]
        rows = []
        communes_per_province = max(communes // sizes.provinces, 1)
        commune_no = district_no = 0
        for p_index, name in enumerate(provinces):
            province_id = next_id
            next_id += 1
            self._province(rows, province_id, p_index, f"Tỉnh {name}")
            self.province_names[province_id] = name
            self.province_titles[province_id] = f"tỉnh {name}"
            extra = 1 if p_index < communes % sizes.provinces else 0
            communes_here = communes_per_province + extra
            for d_start in range(0, communes_here, sizes.communes_per_district):
                district_no += 1
                district_id = next_id
                next_id += 1
                rows.append(
                    (district_id, f"GD{district_no:04d}", f"Huyện {self._place_name()}", "district", province_id,
                     province_id, None, None)
                )  # fmt: skip
                self.districts.append((district_id, province_id))
                for _ in range(min(sizes.communes_per_district, communes_here - d_start)):
                    commune_no += 1
                    commune_name = f"Xã {self._place_name()}"
                    rows.append(
                        (next_id, f"GC{commune_no:05d}", commune_name, "commune", district_id, province_id,
                         district_id, None)
                    )  # fmt: skip
                    self.communes.append((next_id, district_id, province_id, commune_name))
                    next_id += 1
        return rows

    def offices(self):
        """An education office per local unit (district on the old map, commune with
        schools on the current one) and per province, each with one officer; an
        information department per province organises its contest round."""
        self.log("Offices and officers")
        office_id = self.writer.next_id("schools_office")
        user_id = self.writer.next_id("accounts_user")
        offices, users, memberships = [], [], []
        self.office_of_unit: dict[int, int] = {}
        self.officer_of_unit: dict[int, int] = {}
        self.organiser_office: dict[int, int] = {}
        # (unit, kind, short name, name)
        units = [(p, "education_department", "Sở GD&ĐT", None) for p in self.provinces]
        if self.sizes.shape == THREE_TIER:
            units += [(d, "education_office", "Phòng GD&ĐT", None) for d, _p in self.districts]
        else:
            # The Culture and Society division of the commune People's Committee (Phòng
            # Văn hóa - Xã hội) has the education office's powers; schools go round the
            # communes in order (`schools`), so these are the communes with schools.
            units = [
                (p, "education_department", "Sở GD&ĐT", f"Sở Giáo dục và Đào tạo {self.province_titles[p]}")
                for p in self.provinces
            ]
            units += [
                (c, "education_office", "Phòng VH-XH", f"Phòng Văn hóa - Xã hội UBND {name[0].lower()}{name[1:]}")
                for c, _d, _p, name in self.communes[: self.sizes.schools]
            ]
        units += [(p, "information_department", "Sở KH&CN", None) for p in self.provinces]
        for unit_id, kind, prefix, name in units:
            code = f"g-{kind[:4]}-{unit_id}"
            offices.append(
                (office_id, name or f"{prefix} {unit_id}", prefix, code, kind, unit_id, "", "",
                 f"digest-{code}@scale.test", self.now, self.now)
            )  # fmt: skip
            if kind == "information_department":
                self.organiser_office[unit_id] = office_id
                role = "organiser"
            else:
                self.office_of_unit[unit_id] = office_id
                self.officer_of_unit[unit_id] = user_id
                role = "officer"
            users.append((user_id, f"{role}-{unit_id}@scale.test", self._person(), self._ago(400)))
            memberships.append((user_id, role, None, office_id, "", self.now))
            office_id += 1
            user_id += 1
        self.writer.write(
            "schools_office",
            [
                "id",
                "name",
                "short_name",
                "code",
                "kind",
                "unit_id",
                "address",
                "phone",
                "digest_emails",
                "created_at",
                "updated_at",
            ],
            offices,
        )
        self._users(users)
        self._memberships(memberships)

    def _memberships(self, rows):
        first = self.writer.next_id("schools_membership")
        self.writer.write(
            "schools_membership",
            ["id", "user_id", "role", "school_id", "office_id", "title", "created_at"],
            ((first + i, *row) for i, row in enumerate(rows)),
        )

    def schools(self):
        self.log("Schools, sites and school staff")
        rng, sizes = self.rng, self.sizes
        school_id = self.writer.next_id("schools_school")
        user_id = self.writer.next_id("accounts_user")
        site_id = self.writer.next_id("schools_schoolsite")
        schools, users, memberships, sites = [], [], [], []
        # (school, the unit whose office verifies its needs, province, pupils, level, name,
        # search_text, [(site, name)], staff, district, commune)
        self.school_rows: list[tuple] = []
        two_tier = sizes.shape == TWO_TIER
        for index in range(sizes.schools):
            commune_id, district_id, province_id, commune_name = self.communes[index % len(self.communes)]
            if two_tier and rng.random() < UPPER_SECONDARY_SHARE:
                level, prefix = UPPER_SECONDARY
            else:
                level, prefix = rng.choice(SCHOOL_KINDS)
            place = commune_name.removeprefix("Xã ")
            name = f"{prefix} {place} số {index // len(self.communes) + 1}"
            code = f"G{index + 1:07d}"
            address = f"Bản {self._place_name()}, {commune_name}"
            pupils = rng.randint(60, 900)
            stale = rng.random() < 0.2
            confirmed = self._ago(rng.uniform(200, 500) if stale else rng.uniform(1, 170))
            lat = 20.0 + (province_id % 34) * 0.12 + rng.uniform(-0.3, 0.3)
            lon = 103.0 + (province_id % 34) * 0.1 + rng.uniform(-0.3, 0.3)
            search_text = fold(" ".join([name, code, commune_name, address]))
            schools.append(
                (school_id, code, name, level, commune_id, district_id, province_id, address, f"{lat:.6f}",
                 f"{lon:.6f}", pupils, rng.randint(40, 100), rng.choice(["none", "semi", "full"]), self._person(),
                 "", "", search_text, confirmed, None, self._ago(600), confirmed)
            )  # fmt: skip
            users.append((user_id, f"school-{index + 1}@scale.test", self._person(), self._ago(500)))
            memberships.append((user_id, "school_staff", school_id, None, "Hiệu trưởng", self.now))
            school_sites = []
            for n in range(self._poisson_like(sizes.sites_per_school)):
                site_name = f"Điểm trường bản {self._place_name()} {n + 1}"
                sites.append(
                    (site_id, school_id, site_name, "", f"{rng.uniform(0.5, 25):.1f}", rng.randint(8, 60),
                     rng.choice(["grid", "unreliable", "solar", "none"]),
                     rng.choice(["piped", "well", "gravity", "stream", "rainwater", "none"]),
                     rng.choice(["good", "degraded", "none"]), "", self.now, self.now)
                )  # fmt: skip
                school_sites.append((site_id, site_name))
                site_id += 1
            # On the current map the department has the upper-secondary schools, the
            # commune office the others; on the old one the district office all of them.
            verifier = (province_id if level == "upper_secondary" else commune_id) if two_tier else district_id
            self.school_rows.append(
                (
                    school_id,
                    verifier,
                    province_id,
                    pupils,
                    level,
                    name,
                    search_text,
                    school_sites,
                    user_id,
                    district_id,
                    commune_id,
                )
            )
            school_id += 1
            user_id += 1
        self.writer.write(
            "schools_school",
            [
                "id",
                "code",
                "name",
                "level",
                "commune_id",
                "district_id",
                "province_id",
                "address",
                "latitude",
                "longitude",
                "pupils",
                "ethnic_minority_percent",
                "boarding",
                "focal_point_name",
                "focal_point_phone",
                "focal_point_email",
                "search_text",
                "profile_confirmed_at",
                "profile_confirmed_by_id",
                "created_at",
                "updated_at",
            ],
            schools,
        )
        self.writer.write(
            "schools_schoolsite",
            [
                "id",
                "school_id",
                "name",
                "village",
                "distance_km",
                "pupils",
                "electricity",
                "water_source",
                "toilet",
                "notes",
                "created_at",
                "updated_at",
            ],
            sites,
        )
        self._users(users)
        self._memberships(memberships)

    def _poisson_like(self, mean: float) -> int:
        """A whole number around `mean` (0 to twice the mean), cheap and seeded."""
        return int(self.rng.random() * 2 * mean + 0.5) if mean > 0 else 0

    def donors(self):
        self.log("Donors")
        user_id = self.writer.next_id("accounts_user")
        profile_id = self.writer.next_id("donations_donorprofile")
        users, profiles = [], []
        self.donor_rows: list[tuple[int, str, str]] = []
        for index in range(self.sizes.donors):
            name = self._person()
            email = f"donor-{index + 1}@scale.test"
            joined = self._ago(self.rng.uniform(1, 700))
            users.append((user_id, email, name, joined))
            kind = self.rng.choice(DONOR_KINDS)
            if kind != "person":
                name = f"Công ty {self._place_name()}" if kind == "business" else f"Hội {self._place_name()}"
            profiles.append(
                (profile_id, user_id, kind, name, "0101234567" if kind != "person" else "", "",
                 self.rng.random() < 0.2, joined, joined)
            )  # fmt: skip
            self.donor_rows.append((user_id, name, email))
            user_id += 1
            profile_id += 1
        self._users(users)
        self.writer.write(
            "donations_donorprofile",
            [
                "id",
                "user_id",
                "kind",
                "name",
                "tax_code",
                "display_name",
                "anonymous_by_default",
                "created_at",
                "updated_at",
            ],
            profiles,
        )

    # --- needs and pledges ------------------------------------------------------------
    def needs_and_pledges(self):
        self.log("Needs, items, history, pledges")
        ids = {
            t: self.writer.next_id(t)
            for t in ("needs_need", "needs_needitem", "needs_needevent", "donations_pledge", "donations_pledgeevent")
        }
        batch_schools = 2_000
        for start in range(0, len(self.school_rows), batch_schools):
            batch = self.school_rows[start : start + batch_schools]
            needs, items, events, pledges, pledge_events = [], [], [], [], []
            for school in batch:
                self._school_needs(school, ids, needs, items, events, pledges, pledge_events)
            with transaction.atomic():
                self.writer.write("needs_need", NEED_COLUMNS, needs)
                self.writer.write("needs_needitem", ITEM_COLUMNS, items)
                self.writer.write("needs_needevent", NEED_EVENT_COLUMNS, events)
                self.writer.write("donations_pledge", PLEDGE_COLUMNS, pledges)
                self.writer.write("donations_pledgeevent", PLEDGE_EVENT_COLUMNS, pledge_events)
            self.log(f"  schools {start + len(batch):,}/{len(self.school_rows):,}")

    def _status(self) -> str:
        roll = self.rng.random() * 100
        for status, share in STATUS_SHARES:
            roll -= share
            if roll < 0:
                return status
        return "verified"

    def _school_needs(self, school, ids, needs, items, events, pledges, pledge_events):
        rng = self.rng
        school_id, verifier, province_id, pupils, _level, school_name, school_search, sites, staff = school[:9]
        district_id, commune_id = school[9:]  # where the school stands: its needs record it
        officer = self.officer_of_unit.get(verifier) or self.officer_of_unit.get(province_id)
        for _ in range(self._poisson_like(self.sizes.needs_per_school)):
            need_id = ids["needs_need"]
            ids["needs_need"] += 1
            category, title, description, urgency, template_items = rng.choice(NEED_TEMPLATES)
            site_id, site_name = rng.choice(sites) if sites and rng.random() < 0.6 else (None, "điểm trường chính")
            title = title.format(site=site_name)
            status = self._status()
            path = PATHS[status]
            # Older needs went further; each step takes some days.
            created = self._ago(rng.uniform(2 + 12 * len(path), 30 + 40 * len(path)))
            requested = 0
            for position, (item, quantity, unit, unit_cost) in enumerate(template_items):
                quantity = max(1, round(quantity * rng.uniform(0.6, 1.5)))
                items.append((ids["needs_needitem"], need_id, item, quantity, unit, unit_cost, position))
                ids["needs_needitem"] += 1
                requested += quantity * unit_cost
            stamps, moment = {}, created
            from_status = "draft"
            for step in path:
                moment = moment + timedelta(days=rng.uniform(1, 12), hours=rng.uniform(0, 8))
                moment = min(moment, self.now - timedelta(minutes=5))
                stamps[step] = moment
                actor = staff if step in ("submitted", "cancelled") else (None if step == "expired" else officer)
                note = "Đề nghị bổ sung ảnh và báo giá." if step == "returned" else ""
                events.append((ids["needs_needevent"], need_id, "status", from_status, step, actor, note, moment, ""))
                ids["needs_needevent"] += 1
                from_status = step
            pledged, received = self._pledges(need_id, status, requested, stamps, created, ids, pledges, pledge_events)
            wanted_by = (created + timedelta(days=rng.randint(60, 240))).date()
            search_text = fold(" ".join([title, description, school_name])) + " " + school_search
            needs.append(
                (need_id, school_id, site_id, category, title, description,
                 min(pupils, rng.randint(20, 400)), rng.choice((1, 1, 2, urgency)), wanted_by, status, requested,
                 pledged, received, "Đã bàn giao đủ, có biên bản." if "delivered" in stamps else "", staff,
                 stamps.get("submitted"), stamps.get("verified"), officer if "verified" in stamps else None,
                 stamps.get("funded"), stamps.get("delivered"), search_text, created, moment,
                 province_id, district_id, commune_id)
            )  # fmt: skip

    def _pledges(self, need_id, status, requested, stamps, created, ids, pledges, pledge_events):
        """Pledges of one need; returns (pledged, received) as the need's counters hold them."""
        rng = self.rng
        if "verified" not in stamps:
            return 0, 0
        # What active pledges add up to: everything for funded and later, part for open needs.
        if status in Need.COVERED_STATUSES:
            target = requested
        elif status == "verified":
            target = int(requested * rng.choice((0, 0, 0.2, 0.45, 0.7, 0.9)) // 1000 * 1000)
        else:  # expired: what was pledged lapsed with it
            target = 0
        count = self._poisson_like(self.sizes.pledges_per_need) if target else 0
        count = max(count, 1) if target else 0
        weights = [rng.random() + 0.2 for _ in range(count)]
        amounts, left = [], target
        for i, weight in enumerate(weights):
            if i == count - 1:
                amounts.append(left)
            else:
                share = max(int(target * weight / sum(weights) // 1000 * 1000), 0)
                share = min(share, left)
                amounts.append(share)
                left -= share
        amounts = [a for a in amounts if a > 0]
        pledged = received = 0
        opened = stamps["verified"]
        closed_at = stamps.get("funded") or self.now
        for amount in amounts:
            at = opened + (closed_at - opened) * rng.random()
            if status == "verified":
                pledge_status = "received" if rng.random() < 0.5 else "pledged"
            elif status == "funded":
                pledge_status = "received" if rng.random() < 0.7 else "pledged"
            else:
                pledge_status = "delivered"
            if pledge_status == "pledged":
                # Promises still waiting for the transfer are recent; older ones would have expired.
                at = max(opened, self.now - timedelta(days=rng.uniform(0.1, 20)))
            pledged += amount
            got = amount if pledge_status != "pledged" else 0
            received += got
            self._pledge(need_id, amount, pledge_status, at, ids, pledges, pledge_events, received_amount=got)
        # Some promises lapse or are withdrawn; they count in no total.
        if rng.random() < 0.25:
            lapsed = rng.choice(("cancelled", "expired"))
            at = opened + timedelta(days=rng.uniform(0, 10))
            self._pledge(need_id, rng.choice((200_000, 500_000, 1_000_000)), lapsed, at, ids, pledges, pledge_events)
        return pledged, received

    def _pledge(self, need_id, amount, status, at, ids, pledges, pledge_events, received_amount=0):
        rng = self.rng
        pledge_id = ids["donations_pledge"]
        ids["donations_pledge"] += 1
        if rng.random() < 0.7:
            donor_id, name, email = rng.choice(self.donor_rows)
        else:
            donor_id, name, email = None, self._person(), f"guest-{pledge_id}@scale.test"
        received_on = (at + timedelta(days=rng.uniform(1, 6))).date() if received_amount else None
        anonymous = rng.random() < 0.15
        pledges.append(
            (pledge_id, need_id, donor_id, name, email, "", "money", amount, "",
             "Chúc các em học tốt!" if rng.random() < 0.3 else "", anonymous, "" if anonymous else fold(name),
             reference_for(pledge_id), None, status, received_amount or None, received_on, None,
             (at + timedelta(days=14)).date(), None, at, at)
        )  # fmt: skip
        pledge_events.append((ids["donations_pledgeevent"], pledge_id, "", "pledged", donor_id, "", at))
        ids["donations_pledgeevent"] += 1
        steps = {"received": ["received"], "delivered": ["received", "delivered"], "cancelled": ["cancelled"]}
        steps["expired"] = ["expired"]
        previous, moment = "pledged", at
        for step in steps.get(status, []):
            moment = min(moment + timedelta(days=rng.uniform(1, 10)), self.now)
            pledge_events.append((ids["donations_pledgeevent"], pledge_id, previous, step, None, "", moment))
            ids["donations_pledgeevent"] += 1
            previous = step

    # --- contest and campaigns ------------------------------------------------------
    def contest(self):
        """This year's edition, a round per province, entries from its schools."""
        from campaigns.models import Campaign
        from letters_contest.models import ContestRound, Criterion, Edition
        from letters_contest.services import DEFAULT_RUBRIC

        self.log("Contest rounds and entries")
        if not self.sizes.entries:
            return
        year = self.as_of.year
        edition, _created = Edition.objects.get_or_create(
            number=year - 1971,  # the 53rd edition was 2024
            defaults={
                "year": year,
                "theme": "Hãy viết một lá thư gửi người mà em muốn cảm ơn vì đã giúp em lớn lên.",
                "guidance_document": "Công văn hướng dẫn của Bộ Khoa học và Công nghệ",
            },
        )
        rounds = {}
        for province_id in self.provinces:
            campaign = Campaign.objects.create(
                name=f"Hưởng ứng Cuộc thi viết thư UPU lần thứ {edition.number} – {self.province_names[province_id]}",
                slug=f"upu-{edition.number}-g{province_id}",
                kind=Campaign.Kind.CONTEST,
                scope_id=province_id,
                lead_office_id=self.organiser_office[province_id],
                starts_on=date(year, 1, 15),
                purpose=edition.theme,
            )
            round_ = ContestRound.objects.create(
                edition=edition,
                province_id=province_id,
                organiser_id=self.organiser_office[province_id],
                campaign=campaign,
                launch_on=date(year, 2, 20),
                opens_on=date(year, 2, 20),
                school_deadline=date(year, 3, 31),
                judging_from=date(year, 4, 5),
                judging_to=date(year, 4, 20),
                delete_entries_on=date(year + 1, 6, 30),
            )
            Criterion.objects.bulk_create(
                Criterion(round=round_, name=name, weight=weight, max_score=10, position=position)
                for position, (name, weight) in enumerate(DEFAULT_RUBRIC)
            )
            rounds[province_id] = round_.pk
        rng = self.rng
        entry_schools = [s for s in self.school_rows if s[4] in ("primary", "lower_secondary", "inter_level")]
        numbers: dict[int, int] = {}
        first = self.writer.next_id("letters_contest_entry")
        closing = date(year, 3, 31)

        def rows() -> Iterator[tuple]:
            for index in range(self.sizes.entries):
                school = entry_schools[rng.randrange(len(entry_schools))]
                school_id, _d, province_id = school[0], school[1], school[2]
                number = numbers[province_id] = numbers.get(province_id, 0) + 1
                code = f"{self.province_codes[province_id]}-{edition.number}-{number:05d}"
                pupil = self._person()
                age = rng.randint(edition.age_min, edition.age_max)
                born = closing - timedelta(days=age * 365 + rng.randint(5, 300))
                at = self._ago(rng.uniform(30, 200))
                words = rng.randint(300, edition.word_limit)
                yield (
                    first + index, rounds[province_id], school_id, code, pupil, born,
                    f"{rng.randint(4, 9)}A{rng.randint(1, 4)}", "", "Kính gửi thầy cô và các bạn…", words, True,
                    self._person(), rng.random() < 0.6, at, f"{fold(pupil)}|{born.isoformat()}", "registered",
                    school[8], at, at, False, False, "", False, False, "",
                )  # fmt: skip

        self.writer.write(
            "letters_contest_entry",
            [
                "id",
                "round_id",
                "school_id",
                "code",
                "pupil_name",
                "date_of_birth",
                "class_name",
                "letter_file",
                "letter_text",
                "word_count",
                "consent_given",
                "consent_guardian",
                "consent_publish_name",
                "consent_recorded_at",
                "duplicate_key",
                "status",
                "created_by_id",
                "created_at",
                "updated_at",
                "consent_keep_letter",
                "sensitive_consent",
                "ethnic_group",
                "has_disability",
                "sensitive_publish_consent",
                "excluded_reason",
            ],
            rows(),
        )

    def campaigns(self):
        """A published "Điều ước cho em" campaign per province, with targets."""
        from campaigns.models import Campaign, Target

        self.log("Campaigns")
        for province_id in self.provinces:
            campaign = Campaign.objects.create(
                name=f"Điều ước cho em – {self.province_titles[province_id]}",
                slug=f"dieu-uoc-cho-em-g{province_id}",
                scope_id=province_id,
                lead_office_id=self.office_of_unit[province_id],
                starts_on=self.as_of - timedelta(days=365),
                ends_on=self.as_of + timedelta(days=180),
                purpose="Huy động nguồn lực xã hội hóa hỗ trợ các trường vùng khó khăn.",
                story="Mỗi điều ước nhỏ của các em là một công trình, một bữa ăn, một tủ sách.",
                is_published=True,
            )
            Target.objects.bulk_create(
                [
                    Target(campaign=campaign, category="toilets", quantity=200, label="nhà vệ sinh"),
                    Target(campaign=campaign, category="water", quantity=150, label="công trình nước sạch"),
                    Target(
                        campaign=campaign,
                        category="meals",
                        measure=Target.Measure.AMOUNT,
                        quantity=2_000_000_000,
                        label="bữa ăn bán trú",
                    ),
                ]
            )
            self.report.counts["campaigns_campaign"] = self.report.counts.get("campaigns_campaign", 0) + 1


NEED_COLUMNS = [
    "id", "school_id", "site_id", "category", "title", "description", "pupils_benefiting", "urgency", "wanted_by",
    "status", "amount_requested", "amount_pledged", "amount_received", "delivery_note", "created_by_id",
    "submitted_at", "verified_at", "verified_by_id", "funded_at", "delivered_at", "search_text", "created_at",
    "updated_at", "province_id", "district_id", "commune_id",
]  # fmt: skip
ITEM_COLUMNS = ["id", "need_id", "description", "quantity", "unit", "unit_cost", "position"]
NEED_EVENT_COLUMNS = [
    "id",
    "need_id",
    "kind",
    "from_status",
    "to_status",
    "actor_id",
    "note",
    "created_at",
    "attachment",
]
PLEDGE_COLUMNS = [
    "id", "need_id", "donor_id", "donor_name", "donor_email", "donor_phone", "kind", "amount", "goods_description",
    "message", "anonymous", "search_name", "reference", "submission_token", "status", "received_amount", "received_on",
    "received_by_id", "expires_on", "reminder_sent_at", "created_at", "updated_at",
]  # fmt: skip
PLEDGE_EVENT_COLUMNS = ["id", "pledge_id", "from_status", "to_status", "actor_id", "note", "created_at"]


def already_generated() -> bool:
    from schools.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(code="GP01", level="province").exists()


def reset_database() -> None:
    """Empty every table of the project (Django's flush: TRUNCATE on PostgreSQL)."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
