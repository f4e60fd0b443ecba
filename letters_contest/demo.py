"""Demo contest.

Before the reform: the 53rd UPU edition (2024). Bắc Giang's round from the seed plan (the
planning conference of 20/02/2024 with its agenda, 23 guests and budget from decision
05/QĐ-STTTT; the four coordinating units; the launch ceremony), and a Điện Biên round so
the demo school can enter letters. Over 200 entries, two judges with scores. The round
keeps its names: its province, Tỉnh Bắc Giang, was abolished on 1 July 2025 (succeeded by
Tỉnh Bắc Ninh) and its organiser, the Department of Information and Communications, had
become part of the Department of Science and Technology.

Today: the 55th edition (2026), Bắc Ninh's round organised by its Department of Science
and Technology (which took over the post sector in 2025) with the Department of
Education and Training, entries from the schools that were in Bắc Giang.

The rounds' dates are set around the day the demo is seeded, so that each shows a state of
a round's life (letters_contest.lifecycle): Điện Biên's takes entries now, Bắc Ninh's is
being judged, Bắc Giang's results are published with three prizes. The plans keep their
dates of the time."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import AgendaItem, BudgetLine, Campaign, Event, Invitation, LegalDocument, Responsibility, Task
from schools.demo import DEMO_PASSWORD
from schools.models import AdministrativeUnit, Membership, Office, School

from . import lifecycle
from .models import Award, ContestRound, Criterion, Edition, Entry, Judge, Score

THEME = (
    "Trong hành trình 150 năm qua, Liên minh Bưu chính Thế giới (UPU) đã phục vụ hơn tám thế hệ người dân toàn cầu. "
    "Từ đó đến nay, thế giới đã có nhiều thay đổi. Hãy viết thư gửi các thế hệ tương lai để kể về thế giới mà bạn "
    "hy vọng họ được kế thừa."
)
PURPOSE = (
    "Phối hợp với Sở Giáo dục và Đào tạo, Tỉnh đoàn TNCS HCM và Bưu điện tỉnh Bắc Giang triển khai hưởng ứng cuộc thi "
    "trên địa bàn tỉnh Bắc Giang.\nTổ chức triển khai, hướng dẫn, tuyên truyền về cuộc thi trên các phương tiện thông "
    "tin đại chúng, trên trang thông tin điện tử, hướng dẫn và khuyến khích các em học sinh trên địa bàn tỉnh Bắc Giang "
    "tham gia cuộc thi."
)
REQUIREMENTS = (
    "Tổ chức hội nghị đảm bảo đúng nội dung, đúng chủ đề, đạt hiệu quả thiết thực. Công tác chuẩn bị tổ chức hội nghị "
    "cụ thể, tránh hình thức."
)
AGENDA = [
    "Đánh giá, rút kinh nghiệm công tác tổ chức Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 52 (Năm 2023) trên "
    "địa bàn tỉnh Bắc Giang",
    "Công tác phối hợp giữa các đơn vị: cử đại diện đơn vị tham gia Ban Tổ chức cuộc thi",
    "Thống nhất thời gian, địa điểm, Chương trình Lễ Phát động Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 53 "
    "(Năm 2024) trên địa bàn tỉnh Bắc Giang",
    "Triển khai, hướng dẫn, tuyên truyền về cuộc thi trên các phương tiện thông tin đại chúng, trên trang thông tin "
    "điện tử; hướng dẫn và khuyến khích các em học sinh tham gia cuộc thi",
    "Kết luận Hội nghị",
]
# Printed by seed_demo with the other demo logins.
EXTRA_LOGINS = [
    ("organiser2@demo.vn", "Lò Văn Tâm (Ban Tổ chức, Điện Biên)"),
    ("judge1@demo.vn", "Nguyễn Văn Bình (giám khảo)"),
    ("judge2@demo.vn", "Trần Thị Thu (giám khảo)"),
]
PUPIL_NAMES = [
    "Nguyễn Minh Anh",
    "Trần Bảo Ngọc",
    "Lê Gia Huy",
    "Phạm Thu Trang",
    "Hoàng Đức Minh",
    "Vũ Khánh Linh",
    "Đặng Quốc Bảo",
    "Bùi Ngọc Hân",
    "Đỗ Hải Đăng",
    "Ngô Thảo Vy",
    "Dương Tuấn Kiệt",
    "Lý Phương Thảo",
    "Lò Thị Mai",
    "Quàng Văn Nam",
    "Cà Thị Hương",
    "Vàng A Páo",
    "Lường Thị Duyên",
    "Tòng Văn Hùng",
]
LETTER = (
    "Gửi các bạn của những thế hệ tương lai,\nMình viết lá thư này từ một ngôi trường nhỏ ở {place}. "
    "Mình mong thế giới các bạn kế thừa có rừng xanh hơn, có nước sạch cho mọi điểm trường và không còn bạn nhỏ nào "
    "phải nghỉ học vì đường xa…"
)


def _user(email, name, role=None, office=None):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if role:
        Membership.objects.get_or_create(user=user, role=role, office=office)
    return user


def _life(state: str) -> dict:
    """A round's dates around today, whatever day the demo is seeded: "open" takes entries
    now, "judging" closed ten days ago, "published" was judged and published last month
    (its pupils' data goes six months after that)."""
    today = timezone.localdate()
    starts = {"open": today - timedelta(days=20), "judging": today - timedelta(days=60)}
    opens_on = starts.get(state, today - timedelta(days=120))
    deadline = opens_on + timedelta(days=60 if state == "open" else 50)
    dates = {
        "opens_on": opens_on,
        "school_deadline": deadline,
        "judging_from": deadline + timedelta(days=5),
        "judging_to": deadline + timedelta(days=25),
        "forward_by": deadline + timedelta(days=30),
    }
    if state == "published":
        published = today - timedelta(days=30)
        dates["results_published_at"] = datetime.combine(published, time(9, 0), tzinfo=timezone.get_current_timezone())
        dates["delete_entries_on"] = lifecycle.retention_after_publishing(published)
    else:
        dates["delete_entries_on"] = lifecycle.planned_retention(dates)
    return dates


def _round(edition, *, province_code, office, slug, name, state, launch, purpose=PURPOSE):
    existing = ContestRound.objects.filter(campaign__slug=slug).first()
    if existing is not None:
        # Found by its plan: after the reform its province may be an abolished unit.
        return existing, False
    province = AdministrativeUnit.objects.get(level="province", code=province_code, abolished_on__isnull=True)
    year = edition.year
    dates = _life(state)
    campaign = Campaign.objects.create(
        slug=slug,
        name=name,
        kind=Campaign.Kind.CONTEST,
        scope=province,
        lead_office=office,
        starts_on=date(year, 1, 8),
        ends_on=date(year, 6, 30),
        purpose=purpose,
        requirements=REQUIREMENTS,
    )
    round_ = ContestRound.objects.create(
        edition=edition,
        province=province,
        organiser=office,
        campaign=campaign,
        launch_on=launch,
        results_published="results_published_at" in dates,
        **dates,
    )
    return round_, True


def _plan_bac_giang(round_):
    campaign = round_.campaign
    office = round_.organiser
    LegalDocument.objects.create(
        campaign=campaign,
        number="31/BTTTT-HTQT",
        issued_on=date(2024, 1, 8),
        issuer="Bộ Thông tin và Truyền thông",
        title="về việc tổ chức Cuộc thi Viết thư Quốc tế UPU lần thứ 53 (Năm 2024)",
    )
    units = [
        ("stttt-bac-giang", "lead", "Chủ trì tổ chức hội nghị, lễ phát động; thường trực Ban Tổ chức cuộc thi."),
        (
            "sgddt-bac-giang",
            "coordinate",
            "Chọn trường THCS tổ chức Lễ phát động; hướng dẫn các trường tổ chức cho học sinh viết thư.",
        ),
        ("tinh-doan-bac-giang", "coordinate", "Tuyên truyền trong đoàn viên, thanh niên, đội viên."),
        ("buu-dien-bac-giang", "coordinate", "Tiếp nhận thư dự thi, phối hợp tổ chức lễ phát động và trao giải."),
    ]
    for position, (code, role, duties) in enumerate(units):
        Responsibility.objects.create(
            campaign=campaign, office=Office.objects.get(code=code), role=role, duties=duties, position=position
        )
    tz = timezone.get_current_timezone()
    conference = Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.CONFERENCE,
        title="Hội nghị bàn tổ chức Lễ Phát động và công tác triển khai hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần "
        "thứ 53 (Năm 2024) trên địa bàn tỉnh Bắc Giang",
        starts_at=datetime.combine(date(2024, 2, 20), time(8, 0), tzinfo=tz),
        venue="Hội trường tầng 1, trụ sở Sở Thông tin và Truyền thông",
        host=office,
        expected_attendance=23,
    )
    for position, title in enumerate(AGENDA):
        AgendaItem.objects.create(event=conference, position=position, title=title)
    for code, guest, people in [
        ("stttt-bac-giang", "", 8),
        ("sgddt-bac-giang", "", 4),
        ("", "Lãnh đạo Phòng GD&ĐT và Trường THCS Ngô Sĩ Liên", 3),
        ("tinh-doan-bac-giang", "", 3),
        ("buu-dien-bac-giang", "", 3),
        ("", "Phục vụ hội nghị", 2),
    ]:
        Invitation.objects.create(
            event=conference,
            office=Office.objects.get(code=code) if code else None,
            guest=guest,
            people=people,
            reply=Invitation.Reply.CONFIRMED,
        )
    BudgetLine.objects.create(
        campaign=campaign,
        event=conference,
        description="Tài liệu, nước uống, trang trí hội trường",
        amount=4_600_000,
        funding_source="Dự toán thu, chi ngân sách nhà nước năm 2024 giao cho Sở Thông tin và Truyền thông",
        decision_number="05/QĐ-STTTT ngày 22/01/2024",
        settled=True,
    )
    for title, days in [
        ("Chuẩn bị tài liệu, các điều kiện phục vụ Hội nghị (Phòng Bưu chính Viễn thông chủ trì)", -2),
        ("Thanh quyết toán kinh phí tổ chức Hội nghị theo quy định (Văn phòng Sở chủ trì)", 14),
    ]:
        Task.objects.create(
            campaign=campaign,
            title=title,
            owner=office,
            due_on=date(2024, 2, 20) + timedelta(days=days),
            status=Task.Status.DONE,
            done_on=date(2024, 2, 20) + timedelta(days=days),
        )
    Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.CEREMONY,
        title="Lễ Phát động Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 53 (Năm 2024)",
        starts_at=datetime.combine(round_.launch_on, time(7, 30), tzinfo=tz),
        venue="Trường THCS Ngô Sĩ Liên, thành phố Bắc Giang",
        host=office,
        expected_attendance=300,
    )


def _entries(round_, schools, count, rng, staff):
    created = []
    for number in range(1, count + 1):
        school = schools[number % len(schools)]
        name = PUPIL_NAMES[number % len(PUPIL_NAMES)]
        born = date(round_.edition.year - 15, 5, 1) + timedelta(days=rng.randint(0, 365 * 5))
        created.append(
            Entry(
                round=round_,
                school=school,
                code=f"{round_.province.code}-{round_.edition.number}-{number:05d}",
                pupil_name=name,
                date_of_birth=born,
                class_name=f"{rng.randint(6, 9)}A{rng.randint(1, 5)}",
                letter_text=LETTER.format(place=school.commune.name),
                word_count=rng.randint(350, 790),
                consent_given=True,
                consent_guardian=f"Phụ huynh em {name.split()[-1]}",
                consent_publish_name=number % 4 != 0,
                consent_recorded_at=timezone.now(),
                created_by=staff,
            )
        )
    for entry in created:
        entry.duplicate_key = ""  # filled by save(); bulk_create skips save()
    Entry.objects.bulk_create(created)
    return list(Entry.objects.filter(round=round_).order_by("code"))


@transaction.atomic
def load_before_reform(out) -> None:
    edition, _ = Edition.objects.get_or_create(
        number=53,
        defaults={
            "year": 2024,
            "theme": THEME,
            "guidance_document": "Công văn số 31/BTTTT-HTQT ngày 08/01/2024 của Bộ Thông tin và Truyền thông",
        },
    )
    stttt = Office.objects.get(code="stttt-bac-giang")
    bac_giang, created = _round(
        edition,
        province_code="24",
        office=stttt,
        slug="upu-53-bac-giang",
        name="Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 53 (Năm 2024) – tỉnh Bắc Giang",
        state="published",
        launch=date(2024, 3, 5),
    )
    dien_bien_office, _ = Office.objects.get_or_create(
        code="stttt-dien-bien",
        defaults={
            "name": "Sở Thông tin và Truyền thông tỉnh Điện Biên",
            "short_name": "Sở TT&TT Điện Biên",
            "kind": Office.Kind.INFORMATION_DEPARTMENT,
            "unit": AdministrativeUnit.objects.get(level="province", code="11", abolished_on__isnull=True),
        },
    )
    dien_bien, _ = _round(
        edition,
        province_code="11",
        office=dien_bien_office,
        slug="upu-53-dien-bien",
        name="Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 53 (Năm 2024) – tỉnh Điện Biên",
        state="open",
        launch=None,
    )
    _user("organiser2@demo.vn", "Lò Văn Tâm", "organiser", dien_bien_office)
    judges = [_user("judge1@demo.vn", "Nguyễn Văn Bình"), _user("judge2@demo.vn", "Trần Thị Thu")]
    if not created:
        return
    _plan_bac_giang(bac_giang)
    rng = random.Random(53)
    for round_ in (bac_giang, dien_bien):
        _rubric(round_, judges)
    staff = get_user_model().objects.get(email="school@demo.vn")
    bg_schools = list(School.objects.filter(province=bac_giang.province).order_by("code"))
    entries = _entries(bac_giang, bg_schools, 180, rng, None)
    db_schools = list(
        School.objects.filter(code__startswith="11099", level__in=["lower_secondary", "inter_level", "primary"])
    )
    entries += _entries(dien_bien, db_schools, 40, rng, staff)
    for entry in entries:
        entry.save(update_fields=["duplicate_key"])
    criteria = {c.round_id: list(Criterion.objects.filter(round_id=c.round_id)) for c in Criterion.objects.all()}
    scores = []
    for entry in entries[:120]:
        base = rng.uniform(5, 9.5)
        for judge in judges:
            for criterion in criteria[entry.round_id]:
                value = max(0, min(10, base + rng.uniform(-1.5, 1.5)))
                scores.append(
                    Score(entry=entry, judge=judge, stage=1, criterion=criterion, value=Decimal(f"{value:.1f}"))
                )
    Score.objects.bulk_create(scores)
    # Bắc Giang's results are out: three prizes among its judged letters.
    for entry, level in zip(entries[:3], (Award.Level.FIRST, Award.Level.SECOND, Award.Level.THIRD), strict=True):
        Award.objects.create(entry=entry, level=level)
    out(f"  letters contest: edition 53, {len(entries)} entries, {len(scores)} scores")


def _rubric(round_, judges) -> None:
    for position, (name, weight) in enumerate(
        [("Nội dung, bám sát chủ đề", 40), ("Ngôn ngữ, hình thức thể hiện", 30), ("Tính sáng tạo, cảm xúc", 30)]
    ):
        Criterion.objects.create(round=round_, name=name, weight=weight, max_score=10, position=position)
    for judge in judges:
        Judge.objects.create(round=round_, user=judge, stage=1)


PURPOSE_2026 = (
    "Phối hợp với Sở Giáo dục và Đào tạo và Bưu điện tỉnh Bắc Ninh triển khai hưởng ứng cuộc thi trên địa bàn tỉnh; "
    "hướng dẫn và khuyến khích các em học sinh tham gia cuộc thi."
)


@transaction.atomic
def load(out) -> None:
    """The 2026 round of Bắc Ninh, under today's departments."""
    edition, _ = Edition.objects.get_or_create(
        number=55,
        defaults={
            "year": 2026,
            "theme": "Chủ đề của Cuộc thi Viết thư Quốc tế UPU lần thứ 55 (Năm 2026) theo hướng dẫn của Liên minh "
            "Bưu chính Thế giới.",
            "guidance_document": "Hướng dẫn của Bộ Khoa học và Công nghệ về Cuộc thi Viết thư Quốc tế UPU lần thứ 55",
        },
    )
    organiser = Office.objects.get(code="skhcn-bac-ninh")
    bac_ninh, created = _round(
        edition,
        province_code="24",
        office=organiser,
        slug="upu-55-bac-ninh",
        name="Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 55 (Năm 2026) – tỉnh Bắc Ninh",
        state="judging",
        launch=None,
        purpose=PURPOSE_2026,
    )
    if not created:
        return
    for position, (code, role, duties) in enumerate(
        [
            ("skhcn-bac-ninh", "lead", "Chủ trì tổ chức lễ phát động; thường trực Ban Tổ chức cuộc thi."),
            ("sgddt-bac-ninh", "coordinate", "Hướng dẫn các trường tổ chức cho học sinh viết thư."),
            ("buu-dien-bac-ninh", "coordinate", "Tiếp nhận thư dự thi, phối hợp tổ chức lễ phát động và trao giải."),
        ]
    ):
        Responsibility.objects.create(
            campaign=bac_ninh.campaign,
            office=Office.objects.get(code=code),
            role=role,
            duties=duties,
            position=position,
        )
    User = get_user_model()
    _rubric(bac_ninh, [User.objects.get(email="judge1@demo.vn"), User.objects.get(email="judge2@demo.vn")])
    schools = list(School.objects.filter(province=bac_ninh.province).order_by("code"))
    entries = _entries(bac_ninh, schools, 40, random.Random(55), None)
    for entry in entries:
        entry.save(update_fields=["duplicate_key"])
    out(f"  letters contest: edition 55, Bắc Ninh, {len(entries)} entries")
