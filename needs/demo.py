"""Demo needs: what the schools of Điện Biên lack, with photos drawn here.

Before the reform: the needs of the 2021 Tuần Giáo campaign, all settled by the end of
2021 (closed, one expired, one cancelled), recorded under the old district and communes.
Today: needs in every status, made after the schools moved to their new communes, so
recorded there; the commune office of Xã Mường Mùn acts on its schools, the department
on the others.

Needs are found by (school, title, era), so a second run creates nothing. Status
changes go through the lifecycle service, so the history is real; their dates are then
spread (over 2021, or over the past weeks) so queues and ages look like a working
programme.
"""

import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from schools.demo import MUONG_MUN, SCHOOLS
from schools.models import AdministrativeUnit, School
from schools.units import REFORM_DATE

from .faces import PupilsAnswer
from .models import Need, NeedEvent
from .services import need_save, need_transition, photo_create

# category, title, description, pupils, urgency, items (description, quantity, unit, unit cost)
TEMPLATES = [
    (
        "toilets",
        "Xây nhà vệ sinh cho {site}",
        "Điểm trường chưa có nhà vệ sinh, các em phải đi vào rừng hoặc ra bờ suối. Mùa mưa rất bất tiện và mất vệ sinh.",
        3,
        [("Nhà vệ sinh 2 buồng, bể tự hoại", 1, "công trình", 68_000_000), ("Bồn rửa tay inox", 2, "bộ", 1_800_000)],
    ),
    (
        "toilets",
        "Sửa chữa nhà vệ sinh xuống cấp tại {site}",
        "Nhà vệ sinh xây từ năm 2009 đã nứt tường, hỏng cửa và bệ xí; học sinh nữ ngại sử dụng.",
        2,
        [("Thay bệ xí và cửa", 4, "bộ", 2_400_000), ("Trát lại tường, lát nền", 1, "hạng mục", 9_500_000)],
    ),
    (
        "water",
        "Hệ thống nước sạch tự chảy cho {site}",
        "Học sinh và cô giáo phải gánh nước suối cách 700 m. Cần đường ống dẫn nước từ khe về bể chứa và máy lọc.",
        3,
        [
            ("Ống nhựa HDPE D25", 800, "m", 14_000),
            ("Bể chứa inox 2.000 lít", 1, "cái", 6_500_000),
            ("Máy lọc nước", 1, "cái", 8_900_000),
        ],
    ),
    (
        "water",
        "Bể chứa nước mưa cho {site}",
        "Mùa khô điểm trường thiếu nước sinh hoạt, bếp ăn bán trú phải tạm dừng nhiều ngày.",
        2,
        [("Bể chứa nước 5 m³", 1, "cái", 12_000_000), ("Máng thu nước mưa", 24, "m", 180_000)],
    ),
    (
        "electricity",
        "Hệ thống điện mặt trời cho {site}",
        "Điểm trường chưa có điện lưới; các lớp học tối vào buổi sáng mùa đông, không dùng được máy chiếu.",
        3,
        [
            ("Tấm pin mặt trời 450W", 4, "tấm", 2_900_000),
            ("Bộ lưu điện và ắc quy", 1, "bộ", 14_500_000),
            ("Bóng đèn LED và dây điện", 1, "bộ", 3_200_000),
        ],
    ),
    (
        "electricity",
        "Thay hệ thống dây điện và bóng đèn lớp học",
        "Dây điện cũ chập chờn, nhiều bóng đèn hỏng; lớp học không đủ ánh sáng.",
        1,
        [("Bóng đèn LED 1,2 m", 36, "bộ", 210_000), ("Dây điện và công lắp đặt", 1, "hạng mục", 7_800_000)],
    ),
    (
        "meals",
        "Bữa trưa cho học sinh bán trú học kỳ II",
        "Nhiều em nhà xa 8-10 km, ở lại trường buổi trưa. Cần hỗ trợ thịt, trứng, sữa để bữa ăn đủ dinh dưỡng.",
        2,
        [("Suất ăn bổ sung (thịt, trứng)", 4200, "suất", 12_000)],
    ),
    (
        "meals",
        "Bếp ăn và bát đĩa inox cho khu bán trú",
        "Bếp nấu bằng củi, ám khói; bát nhựa đã cũ. Cần bếp đun cải tiến và bộ dụng cụ ăn uống inox.",
        1,
        [
            ("Bếp đun cải tiến", 2, "cái", 4_500_000),
            ("Bộ khay cơm inox", 120, "bộ", 95_000),
            ("Nồi nấu cơm công nghiệp", 1, "cái", 7_200_000),
        ],
    ),
    (
        "books",
        "Sách vở và đồ dùng học tập cho học sinh năm học mới",
        "Phần lớn gia đình học sinh là hộ nghèo, các em thiếu vở, bút, cặp sách.",
        1,
        [
            ("Bộ vở 10 quyển", 180, "bộ", 75_000),
            ("Cặp sách", 180, "cái", 120_000),
            ("Hộp bút và thước", 180, "bộ", 35_000),
        ],
    ),
    (
        "books",
        "Tủ sách thư viện xanh cho {site}",
        "Điểm trường chưa có sách đọc thêm; các em rất thích truyện tranh và sách khoa học.",
        1,
        [("Tủ sách gỗ", 2, "cái", 2_800_000), ("Sách thiếu nhi", 400, "cuốn", 45_000)],
    ),
    (
        "equipment",
        "Chăn ấm và áo ấm cho học sinh bán trú",
        "Mùa đông nhiệt độ xuống 3-5 °C, nhiều em chỉ có một chiếc áo mỏng, chăn ở khu bán trú đã rách.",
        3,
        [("Chăn bông", 90, "cái", 280_000), ("Áo khoác ấm", 120, "cái", 210_000)],
    ),
    (
        "equipment",
        "Bàn ghế học sinh đúng chuẩn cho {site}",
        "Bàn ghế tự đóng bằng gỗ tạp đã hỏng, không đúng chiều cao, các em ngồi học bị đau lưng.",
        1,
        [("Bộ bàn ghế 2 chỗ", 20, "bộ", 1_650_000)],
    ),
    (
        "equipment",
        "Giường tầng và đệm cho khu nội trú",
        "Các em phải nằm chung 3-4 em một giường, đệm đã mục.",
        2,
        [("Giường tầng sắt", 15, "cái", 3_200_000), ("Đệm", 30, "cái", 550_000)],
    ),
    (
        "sports",
        "Dụng cụ thể dục thể thao",
        "Trường chưa có bóng, lưới; giờ thể dục chủ yếu chạy bộ trên sân đất.",
        1,
        [
            ("Bóng đá", 10, "quả", 250_000),
            ("Bóng chuyền và lưới", 4, "bộ", 650_000),
            ("Dây nhảy, cầu đá", 1, "bộ", 1_200_000),
        ],
    ),
    (
        "classrooms",
        "Sửa mái phòng học bị dột tại {site}",
        "Mái tôn thủng nhiều chỗ, mưa to phải cho học sinh nghỉ học.",
        3,
        [("Tôn lợp mái", 120, "m²", 145_000), ("Xà gồ thép và công thợ", 1, "hạng mục", 16_000_000)],
    ),
    (
        "classrooms",
        "Nhà công vụ cho giáo viên cắm bản",
        "Hai cô giáo ở điểm trường phải ở nhờ nhà dân, cách lớp học 2 km đường dốc.",
        2,
        [("Nhà công vụ lắp ghép 2 phòng", 1, "công trình", 145_000_000)],
    ),
    (
        "other",
        "Xe đẩy thức ăn và tủ lạnh bảo quản thực phẩm",
        "Bếp ăn bán trú không có tủ lạnh, thực phẩm phải mua từng ngày ở chợ cách 12 km.",
        1,
        [("Tủ lạnh 2 cánh", 1, "cái", 11_500_000), ("Xe đẩy inox", 2, "cái", 1_900_000)],
    ),
]

# How many demo needs end in each status, in the order they are created.
STATUS_PLAN = (
    ["verified"] * 22
    + ["submitted"] * 10
    + ["draft"] * 6
    + ["returned"] * 5
    + ["funded"] * 8
    + ["delivered"] * 6
    + ["closed"] * 4
    + ["cancelled"] * 2
    + ["expired"] * 1
)

# The 2021 campaign's needs: school, template, final status (at the campaign's end).
PLAN_2021 = [
    ("11099012", 0, "closed"),
    ("11099003", 2, "closed"),
    ("11099009", 4, "closed"),
    ("11099005", 6, "closed"),
    ("11099012", 10, "closed"),
    ("11099016", 8, "closed"),
    ("11099013", 12, "closed"),
    ("11099007", 9, "closed"),
    ("11099023", 14, "closed"),
    ("11099021", 13, "expired"),
    ("11099019", 16, "cancelled"),
]
START_2021 = datetime(2021, 3, 1, 8, 0)

PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "verified": ["submit", "verify"],
    "funded": ["submit", "verify", "fund"],
    "delivered": ["submit", "verify", "fund", "deliver"],
    "closed": ["submit", "verify", "fund", "deliver", "close"],
    "cancelled": ["submit", "cancel"],
    "expired": ["submit", "verify", "expire"],
}

COLOURS = {
    "toilets": (86, 119, 150),
    "water": (40, 120, 181),
    "electricity": (222, 160, 30),
    "meals": (200, 90, 50),
    "books": (60, 140, 90),
    "equipment": (140, 90, 160),
    "sports": (30, 150, 140),
    "classrooms": (120, 100, 80),
    "other": (110, 110, 110),
}

LABELS = {
    "toilets": "Nhà vệ sinh",
    "water": "Nước sạch",
    "electricity": "Điện",
    "meals": "Bữa ăn bán trú",
    "books": "Sách vở",
    "equipment": "Thiết bị",
    "sports": "Thể dục thể thao",
    "classrooms": "Phòng học",
    "other": "Khác",
}


def _font(size):
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


# The demo's photos are drawings of a school house: no pupil is in them, and the school
# answers so, as on the form. (Not asked, the face detector would look at every one of
# them: seconds a photo.)
DRAWN = PupilsAnswer(recognisable=False)


def _demo_photo(category, caption, seed) -> SimpleUploadedFile:
    """A simple illustrated photo: sky, hills, trees, a school house and the category's
    name. The layout varies with the seed (hills, house, trees, side) so that two demo
    needs do not show what a perceptual hash takes for the same photo (trust.matching)."""
    rng = random.Random(seed)
    width, height = 1200, 900
    image = Image.new("RGB", (width, height), (rng.randint(150, 215), rng.randint(195, 235), rng.randint(225, 250)))
    draw = ImageDraw.Draw(image)
    bands = rng.randint(2, 4)
    top = rng.uniform(0.3, 0.55)
    for band in range(bands):
        shade = 80 + band * rng.randint(20, 45)
        base = height * (top + band * rng.uniform(0.08, 0.16))
        step = rng.choice([100, 150, 220])
        points = (
            [(0, height)] + [(x, base - rng.randint(10, 180)) for x in range(0, width + step, step)] + [(width, height)]
        )
        draw.polygon(points, fill=(rng.randint(40, 90), shade + 40, rng.randint(50, 90)))
    for _tree in range(rng.randint(2, 7)):
        tx, ty, size = rng.randint(0, width), rng.randint(int(height * 0.45), height - 120), rng.randint(40, 110)
        draw.rectangle([tx - 8, ty, tx + 8, ty + size], fill=(90, 60, 30))
        draw.ellipse([tx - size // 2, ty - size, tx + size // 2, ty + size // 3], fill=(30, rng.randint(90, 140), 40))
    scale = rng.uniform(0.6, 1.3)
    house_w, house_h = int(360 * scale), int(200 * scale)
    x0, y0 = rng.randint(40, width - house_w - 70), rng.randint(int(height * 0.45), height - house_h - 100)
    wall = (rng.randint(200, 245), rng.randint(190, 235), rng.randint(150, 210))
    draw.rectangle([x0, y0, x0 + house_w, y0 + house_h], fill=wall, outline=(90, 70, 50), width=4)
    roof = rng.choice([(150, 60, 40), (60, 80, 120), (120, 120, 120), (170, 90, 40)])
    draw.polygon([(x0 - 30, y0), (x0 + house_w // 2, y0 - int(120 * scale)), (x0 + house_w + 30, y0)], fill=roof)
    windows = rng.randint(2, 4)
    gap = house_w // (windows + 1)
    for window in range(windows):
        wx = x0 + gap * (window + 1) - int(30 * scale)
        draw.rectangle([wx, y0 + int(50 * scale), wx + int(60 * scale), y0 + int(120 * scale)], fill=(70, 110, 150))
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        draw = ImageDraw.Draw(image)
    colour = COLOURS[category]
    draw.rectangle([0, 0, width, 150], fill=colour)
    draw.text((40, 30), LABELS[category], font=_font(64), fill=(255, 255, 255))
    draw.text(
        (40, height - 80), caption[:60], font=_font(36), fill=(255, 255, 255), stroke_width=2, stroke_fill=(0, 0, 0)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _create(*, school, index, template, final_status, staff, officer, rng, era, start, days, wanted_from) -> bool:
    """One need, brought to its final status through the lifecycle; False if it exists."""
    category, title, description, urgency, items = template
    sites = list(school.sites.all())
    site = sites[index % len(sites)] if sites and "{site}" in title else None
    full_title = title.format(site=site.name if site else "điểm trường chính")
    if Need.objects.filter(school=school, title=full_title).filter(era).exists():
        return False
    need = Need(
        school=school,
        site=site,
        category=category,
        title=full_title,
        description=description,
        pupils_benefiting=min(site.pupils if site else school.pupils, school.pupils) or 30,
        urgency=urgency,
        wanted_by=(wanted_from + timedelta(days=rng.randint(20, 150))).date() if index % 3 else None,
    )
    item_rows = [{"description": d, "quantity": q, "unit": u, "unit_cost": c} for d, q, u, c in items]
    photos = [
        photo_create(upload=_demo_photo(category, full_title, f"{index}-{full_title}"), actor=staff, pupils=DRAWN)
    ]
    need = need_save(need=need, items=item_rows, actor=staff, photos=photos)
    notes = {
        "return": "Đề nghị bổ sung báo giá của đơn vị cung cấp và ảnh hiện trạng rõ hơn.",
        "cancel": "Đã được UBND xã hỗ trợ từ nguồn ngân sách, không cần kêu gọi nữa.",
        "deliver": "Nhà trường đã nhận đủ và đưa vào sử dụng. Cảm ơn các nhà hảo tâm!",
    }
    for action in PATHS[final_status]:
        actor = None if action in ("expire",) else (staff if action in ("submit", "deliver") else officer)
        if action == "fund":
            # The donations demo adds the pledges that make up these amounts.
            Need.objects.filter(pk=need.pk).update(amount_pledged=need.amount_requested)
            actor = None
        if action == "deliver":
            Need.objects.filter(pk=need.pk).update(amount_received=need.amount_requested)
            photo_create(
                upload=_demo_photo(category, "Bàn giao: " + full_title, f"proof-{index}-{full_title}"),
                actor=staff,
                kind="proof",
                need=need,
                pupils=DRAWN,
            )
        need_transition(need=need, action=action, actor=actor, note=notes.get(action, ""))
    if final_status == "verified" and index % 4:
        # Some gifts are on the way for open needs.
        pledged = need.amount_requested * rng.choice([1, 2, 3, 5, 6]) // 10
        Need.objects.filter(pk=need.pk).update(amount_pledged=pledged, amount_received=pledged // 2)
    _spread_dates(need, start=start, days=days)
    return True


def _before_reform() -> Q:
    return Q(created_at__date__lt=REFORM_DATE)


@transaction.atomic
def load_before_reform(out) -> None:
    """The 2021 Tuần Giáo campaign's needs, acted on by the district office of the time."""
    User = get_user_model()
    demo_staff = User.objects.get(email="school@demo.vn")
    district_officer = User.objects.get(email="district@demo.vn")
    schools = {school.code: school for school in School.objects.filter(code__startswith="11099")}
    rng = random.Random(2021)
    tz = timezone.get_current_timezone()
    created = 0
    for index, (code, template, final_status) in enumerate(PLAN_2021):
        school = schools[code]
        start = (START_2021 + timedelta(days=index * 19)).replace(tzinfo=tz)
        created += _create(
            school=school,
            index=index,
            template=TEMPLATES[template],
            final_status=final_status,
            staff=demo_staff if code == "11099012" else district_officer,
            officer=district_officer,
            rng=rng,
            era=_before_reform(),
            start=start,
            days=60,
            wanted_from=start,
        )
    if created:
        out(f"  needs of 2021: {created} created")


@transaction.atomic
def load(out) -> None:
    """Today's needs, in every status, of the schools in their new communes."""
    User = get_user_model()
    demo_staff = User.objects.get(email="school@demo.vn")
    commune_officer = User.objects.get(email="commune@demo.vn")
    province_officer = User.objects.get(email="province@demo.vn")
    muong_mun = AdministrativeUnit.objects.get(level="commune", code=MUONG_MUN, abolished_on__isnull=True)
    codes = [row[0] for row in SCHOOLS if row[0].startswith("11")]
    schools = list(School.objects.filter(code__in=codes).prefetch_related("sites").order_by("code"))
    rng = random.Random(53)
    now = timezone.now()
    created = 0
    for index, final_status in enumerate(STATUS_PLAN):
        # The demo school gets several needs so its pages are full; the rest rotate.
        school = schools[11] if index % 6 == 0 else schools[index % len(schools)]
        # The commune office acts for the schools it handles, the department for the rest;
        # only the demo school has a demo clerk, elsewhere the officers act for the school.
        officer = commune_officer if school.handled_by(muong_mun) else province_officer
        days_ago = 3 + (len(STATUS_PLAN) - index) % 40
        start = now - timedelta(days=days_ago, hours=days_ago % 7)
        created += _create(
            school=school,
            index=index,
            template=TEMPLATES[index % len(TEMPLATES)],
            final_status=final_status,
            staff=demo_staff if school.code == "11099012" else officer,
            officer=officer,
            rng=rng,
            era=~_before_reform(),
            start=start,
            days=days_ago,
            wanted_from=now,
        )
    if created:
        out(f"  needs: {created} created")
    lunches = _lunch_needs(demo_staff, commune_officer)
    if lunches:
        out(f"  school-lunch needs: {lunches} created")


def school_year_start(today):
    """The first month of the school year `today` is in (September to May, the summer
    counting with the year before)."""
    year = today.year if today.month >= 9 else today.year - 1
    return today.replace(year=year, month=9, day=1)


# school code, title, pupils, cost per pupil per month, the school year (0 this one, -1 the last)
LUNCHES = [
    ("11099012", "Bữa trưa bán trú cho học sinh điểm trường Hua Sát", 45, 300_000, 0),
    ("11099007", "Bữa trưa bán trú cho học sinh Mùn Chung", 30, 250_000, -1),
]


def _lunch_needs(staff, officer) -> int:
    """Lunch needs posted by their schools and verified by the commune office: Pú Xi's
    for this school year (sponsored in every way, donations.demo), Mùn Chung's of the
    last one (its year ended). Pupils are counted, never named."""
    start = school_year_start(timezone.localdate())
    created = 0
    for code, title, pupils, cost, year in LUNCHES:
        school = School.objects.get(code=code)
        first = start.replace(year=start.year + year)
        if Need.objects.filter(school=school, lunch_first_month=first).exists():
            continue
        need = Need(
            school=school,
            category="meals",
            title=title,
            description=(
                f"{pupils} học sinh bán trú ở lại trường cả tuần. Nhà trường cần kinh phí tổ chức bữa trưa đủ chất "
                f"trong 9 tháng của năm học {first.year}–{first.year + 1}: mỗi em "
                f"{cost:,} đồng mỗi tháng.".replace(",", ".")
            ),
            pupils_benefiting=pupils,
            urgency=Need.Urgency.HIGH,
            lunch_pupils=pupils,
            lunch_months=9,
            lunch_first_month=first,
            lunch_cost=cost,
        )
        clerk = staff if code == "11099012" else officer
        photos = [
            photo_create(upload=_demo_photo("meals", title, f"lunch-{created}-{title}"), actor=clerk, pupils=DRAWN)
        ]
        need_save(need=need, items=[], actor=clerk, photos=photos)
        need_transition(need=need, action="submit", actor=clerk)
        need_transition(need=need, action="verify", actor=officer)
        created += 1
    return created


def _spread_dates(need: Need, *, start, days: int) -> None:
    """Move the need's history to begin at `start`, its steps spread over `days`, in order."""
    events = list(NeedEvent.objects.filter(need=need).order_by("created_at", "pk"))
    for step, event in enumerate(events):
        event.created_at = start + timedelta(days=step * max(days // (len(events) + 1), 1))
    NeedEvent.objects.bulk_update(events, ["created_at"])
    stamps = {e.to_status: e.created_at for e in events}
    Need.objects.filter(pk=need.pk).update(
        created_at=events[0].created_at,
        submitted_at=stamps.get("submitted"),
        verified_at=stamps.get("verified"),
        funded_at=stamps.get("funded"),
        delivered_at=stamps.get("delivered"),
    )
