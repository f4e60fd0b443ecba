"""Demo campaigns.

Before the reform: "Điều ước cho em – huyện Tuần Giáo" of 2021, built from the seed plan
(its legal basis, the units and duties of its section IV, tasks from section III, an
interim review meeting, a donor-honouring ceremony, communication activities), closed
at the end of 2021 with its final review, issued by the district of the time. Its scope
stays the abolished district, and its figures count the needs made there in 2021.

Today: the programme as it runs in Điện Biên on the current map, "Điều ước cho em – tỉnh
Điện Biên" from 2026. Its lead is the Department of Education and Training: with no
district left, the department plans the programme for the whole province (as the
province and the department launched it in 2021), and the communes' People's Committees,
whose Culture and Society divisions verify their schools' needs, coordinate.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from needs.models import Need
from schools.models import AdministrativeUnit, Office

from .models import (
    AgendaItem,
    BudgetLine,
    Campaign,
    CommunicationActivity,
    Event,
    Invitation,
    LegalDocument,
    Responsibility,
    Review,
    Target,
    Task,
)
from .services import review_create

SLUG = "dieu-uoc-cho-em-tuan-giao"
SLUG_TODAY = "dieu-uoc-cho-em-dien-bien"

EXTRA_OFFICES = [
    ("ubnd-xa-tuan-giao", "UBND các xã, thị trấn huyện Tuần Giáo", "peoples_committee"),
    ("csgd-tuan-giao", "Các cơ sở giáo dục trên địa bàn huyện Tuần Giáo", "other"),
    (
        "mttq-tuan-giao",
        "Ủy ban MTTQ Việt Nam huyện và các tổ chức chính trị – xã hội huyện Tuần Giáo",
        "mass_organisation",
    ),
]

PURPOSE = (
    "Kêu gọi các cá nhân, tổ chức, doanh nghiệp hỗ trợ học sinh và các cơ sở giáo dục trên địa bàn huyện để tổ chức "
    "bữa ăn trưa đảm bảo dinh dưỡng hợp lí, cung cấp các nhu cầu thiết yếu cho học sinh khắc phục tình trạng thiếu "
    "thốn về trang thiết bị học tập, cơ sở vật chất phục vụ công tác giảng dạy của giáo viên, hoạt động của nhà trường."
)
REQUIREMENTS = (
    "Chương trình được triển khai rộng rãi, lan tỏa đến các cơ sở giáo dục, đặc biệt là các trường vùng cao, vùng xa, "
    "các trường Tiểu học, Mầm non có nhiều điểm trường lẻ còn thiếu thốn về cơ sở vật chất.\n"
    "Đảm bảo thiết thực, hiệu quả, các nguồn lực vận động hỗ trợ đảm bảo đúng mục đích, đúng đối tượng.\n"
    "Huy động các nguồn lực xã hội hóa, sự chung tay của cả cộng đồng, xã hội để hỗ trợ, chia sẻ, giúp đỡ các cơ sở "
    "giáo dục khắc phục khó khăn."
)
STORY = (
    "Ở Tuần Giáo, nhiều điểm trường lẻ nằm sâu trong các bản của xã Pú Xi, Phình Sáng, Tênh Phông… Có nơi chưa có "
    "điện lưới, học sinh phải gánh nước suối, nhà vệ sinh xuống cấp hoặc chưa có. Mỗi nhu cầu trên cổng thông tin đều "
    "được Phòng Giáo dục và Đào tạo xác minh trước khi công khai, và mỗi món quà đều có minh chứng bàn giao."
)

DUTIES = [
    (
        "pgddt-tuan-giao",
        "lead",
        "Tham mưu cho UBND huyện các văn bản chỉ đạo; chủ trì công tác truyền thông về Chương trình.\n"
        "Cử công chức làm đầu mối hướng dẫn các cơ sở giáo dục cập nhật thông tin đầy đủ, chính xác, kịp thời.\n"
        "Tiếp nhận thông tin, tổng hợp số liệu; tiếp nhận kinh phí, cơ sở vật chất; đề xuất phương án hỗ trợ.\n"
        "Tham mưu tôn vinh nhà hảo tâm; kiểm tra, đánh giá, sơ kết, tổng kết Chương trình.",
    ),
    (
        "ttvh-tuan-giao",
        "lead",
        "Chủ trì, phối hợp với Phòng Giáo dục và Đào tạo tuyên truyền về mục đích, nội dung, hoạt động của Chương trình "
        "trên các phương tiện thông tin đại chúng.",
    ),
    (
        "ubnd-xa-tuan-giao",
        "coordinate",
        "Phối hợp triển khai Chương trình phù hợp với điều kiện thực tế; cử đầu mối cung cấp thông tin, nhu cầu hỗ trợ; "
        "hướng dẫn cá nhân, tổ chức, doanh nghiệp hỗ trợ các cơ sở giáo dục gặp khó khăn.",
    ),
    (
        "csgd-tuan-giao",
        "coordinate",
        "Chủ động cập nhật thông tin; truyền thông về khó khăn và kết quả thực hiện Chương trình; cử viên chức làm đầu mối; "
        "sơ kết, tổng kết tại đơn vị; đề nghị tôn vinh nhà hảo tâm.",
    ),
    (
        "mttq-tuan-giao",
        "coordinate",
        "Phối hợp truyền thông nâng cao nhận thức về ý nghĩa nhân văn của Chương trình; tham gia giám sát việc thực hiện.",
    ),
]

TARGETS = [
    ("toilets", "needs", 2, "nhà vệ sinh được xây mới hoặc sửa chữa"),
    ("water", "needs", 2, "công trình nước sạch cho điểm trường"),
    ("electricity", "needs", 2, "điểm trường có điện"),
    ("meals", "pupils", 300, "học sinh được hỗ trợ bữa trưa"),
    ("books", "amount", 40_000_000, "cho sách vở, đồ dùng học tập"),
]

# title, owner, focal point, due, done on (None: cancelled)
TASKS = [
    (
        "Cử đầu mối hướng dẫn các cơ sở giáo dục cập nhật thông tin lên cổng",
        "pgddt-tuan-giao",
        "Quàng Thị Hoa",
        date(2021, 3, 5),
        date(2021, 3, 3),
    ),
    (
        "Tổng hợp số liệu khó khăn về điện, nước, nhà vệ sinh của các điểm trường",
        "pgddt-tuan-giao",
        "Quàng Thị Hoa",
        date(2021, 3, 31),
        date(2021, 3, 29),
    ),
    (
        "Phát sóng phóng sự về điểm trường bản Hua Sát trên Đài Truyền thanh huyện",
        "ttvh-tuan-giao",
        "Lò Văn Khoa",
        date(2021, 4, 15),
        date(2021, 4, 20),
    ),
    (
        "Rà soát, cập nhật hồ sơ điểm trường lẻ trên cổng thông tin",
        "csgd-tuan-giao",
        "Hiệu trưởng các trường",
        date(2021, 5, 15),
        date(2021, 5, 14),
    ),
    (
        "Chuẩn bị báo cáo sơ kết 6 tháng thực hiện Chương trình",
        "pgddt-tuan-giao",
        "Quàng Thị Hoa",
        date(2021, 8, 15),
        date(2021, 8, 13),
    ),
    (
        "Đề xuất danh sách nhà hảo tâm được tôn vinh",
        "csgd-tuan-giao",
        "Hiệu trưởng các trường",
        date(2021, 12, 10),
        date(2021, 12, 8),
    ),
    ("Chuẩn bị báo cáo tổng kết năm 2021", "pgddt-tuan-giao", "Quàng Thị Hoa", date(2021, 12, 24), date(2021, 12, 24)),
]

FINAL_REVIEW = {
    "number": "318/BC-UBND",
    "introduction": (
        "Thực hiện Văn bản số 191/UBND-KGVX ngày 21/01/2021 của UBND tỉnh Điện Biên, UBND huyện Tuần Giáo đã chỉ "
        "đạo Phòng Giáo dục và Đào tạo, các cơ sở giáo dục triển khai Chương trình “Điều ước cho em” năm 2021."
    ),
    "assessment": (
        "Các nhà hảo tâm đã chung tay hỗ trợ kịp thời; mọi món quà đều có minh chứng bàn giao. Một số nhu cầu chưa "
        "được hỗ trợ do hết hạn kêu gọi hoặc đã được ngân sách xã bảo đảm."
    ),
    "next_steps": "Tiếp tục cập nhật điểm trường lẻ và kêu gọi hỗ trợ trong năm học 2021–2022.",
}
# The final review was issued by the district on this day.
FINAL_REVIEW_ISSUED = datetime(2021, 12, 28, 9, 0)

EXTRA_OFFICES_TODAY = [
    ("ubnd-cac-xa-dien-bien", "UBND các xã, phường tỉnh Điện Biên", "peoples_committee"),
    ("csgd-dien-bien", "Các cơ sở giáo dục trên địa bàn tỉnh Điện Biên", "other"),
]

PURPOSE_TODAY = (
    "Kêu gọi các cá nhân, tổ chức, doanh nghiệp hỗ trợ học sinh và các cơ sở giáo dục trên địa bàn tỉnh tổ chức bữa "
    "ăn bán trú, bảo đảm điện, nước sạch, nhà vệ sinh và trang thiết bị học tập cho các điểm trường vùng cao."
)
STORY_TODAY = (
    "Từ ngày 1/7/2025 tỉnh Điện Biên không còn cấp huyện: các trường mầm non, tiểu học, THCS do UBND xã quản lý. "
    "Mỗi nhu cầu trên cổng được Phòng Văn hóa - Xã hội của xã hoặc Sở Giáo dục và Đào tạo xác minh trước khi công "
    "khai. Các điểm trường của Pú Xi, Mùn Chung nay thuộc xã Mường Mùn."
)

DUTIES_TODAY = [
    (
        "sgddt-dien-bien",
        "lead",
        "Chủ trì xây dựng và hướng dẫn thực hiện kế hoạch; xác minh nhu cầu của các trường THPT; tổng hợp số liệu "
        "toàn tỉnh; sơ kết, tổng kết Chương trình.",
    ),
    (
        "ubnd-cac-xa-dien-bien",
        "coordinate",
        "Giao Phòng Văn hóa - Xã hội xác minh nhu cầu của các trường mầm non, tiểu học, THCS trên địa bàn xã; tiếp "
        "nhận, bàn giao hỗ trợ; đề xuất tôn vinh nhà hảo tâm.",
    ),
    (
        "csgd-dien-bien",
        "coordinate",
        "Cập nhật thông tin điểm trường, đăng nhu cầu kèm ảnh hiện trạng; xác nhận quà đã nhận và minh chứng bàn giao.",
    ),
]

TARGETS_TODAY = [
    ("toilets", "needs", 15, "nhà vệ sinh được xây mới hoặc sửa chữa"),
    ("water", "needs", 10, "công trình nước sạch cho điểm trường"),
    ("electricity", "needs", 8, "điểm trường có điện"),
    ("meals", "pupils", 3000, "học sinh được hỗ trợ bữa trưa"),
    ("books", "amount", 200_000_000, "cho sách vở, đồ dùng học tập"),
]

# title, owner, focal point, days from today (negative: in the past), status
TASKS_TODAY = [
    (
        "Hướng dẫn UBND các xã phân công đầu mối xác minh nhu cầu trên cổng",
        "sgddt-dien-bien",
        "Nguyễn Văn Minh",
        -60,
        "done",
    ),
    (
        "Tổng hợp số liệu khó khăn về điện, nước, nhà vệ sinh của các điểm trường",
        "sgddt-dien-bien",
        "Nguyễn Văn Minh",
        5,
        "doing",
    ),
    (
        "Xác minh các nhu cầu đang chờ của trường trên địa bàn xã Mường Mùn",
        "vhxh-muong-mun",
        "Lường Thị Phương",
        -4,
        "todo",
    ),
    (
        "Rà soát, cập nhật hồ sơ điểm trường lẻ trên cổng thông tin",
        "csgd-dien-bien",
        "Hiệu trưởng các trường",
        -10,
        "doing",
    ),
    ("Chuẩn bị báo cáo sơ kết thực hiện Chương trình", "sgddt-dien-bien", "Nguyễn Văn Minh", 21, "todo"),
    ("Đề xuất danh sách nhà hảo tâm được tôn vinh", "ubnd-cac-xa-dien-bien", "Lường Thị Phương", 14, "todo"),
]


def _office(code):
    return Office.objects.get(code=code)


def _aware(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


# The legal basis of the demo's campaigns: number, date, issuer, title.
LEGAL_BASIS = [
    ("191/UBND-KGVX", date(2021, 1, 21), "UBND tỉnh Điện Biên", "Về việc triển khai chương trình “Điều ước cho em”"),
    (
        "288/SGDĐT-VP",
        date(2021, 2, 4),
        "Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        "Về việc triển khai Chương trình “Điều ước cho em” trong ngành Giáo dục tỉnh Điện Biên",
    ),
]
ROOM_COSTS = "Tài liệu, nước uống, trang trí hội trường"
HONOURS_COSTS = "Giấy khen, hoa, khánh tiết"
SOCIAL_FUNDS = "Nguồn xã hội hóa"


def _plan(campaign: Campaign, *, legal, duties, targets) -> None:
    """A campaign's legal basis, who does what, and its targets."""
    for position, (number, issued_on, issuer, title) in enumerate(legal, start=1):
        LegalDocument.objects.create(
            campaign=campaign, number=number, issued_on=issued_on, issuer=issuer, title=title, position=position
        )
    for position, (code, role, text) in enumerate(duties):
        Responsibility.objects.create(
            campaign=campaign, office=_office(code), role=role, duties=text, position=position
        )
    for category, measure, quantity, label in targets:
        Target.objects.create(campaign=campaign, category=category, measure=measure, quantity=quantity, label=label)


def _event(
    campaign: Campaign,
    *,
    kind,
    title,
    starts_at,
    venue,
    host,
    attendance,
    ends_at=None,
    agenda=(),
    invitations=(),
    budget=None,
) -> Event:
    """An event of the campaign with its agenda, its invitations and its budget line
    (description, amount, funding source, decision number, settled)."""
    event = Event.objects.create(
        campaign=campaign,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        host=_office(host),
        expected_attendance=attendance,
    )
    for position, (at, item, presenter) in enumerate(agenda):
        AgendaItem.objects.create(event=event, position=position, starts_at=at, title=item, presenter=presenter)
    for code, people, reply in invitations:
        Invitation.objects.create(event=event, office=_office(code), people=people, reply=reply)
    if budget:
        description, amount, source, decision, settled = budget
        BudgetLine.objects.create(
            campaign=campaign,
            event=event,
            description=description,
            amount=amount,
            funding_source=source,
            decision_number=decision,
            settled=settled,
        )
    return event


def _communications(campaign: Campaign, rows) -> None:
    for day, channel, title, office in rows:
        CommunicationActivity.objects.create(
            campaign=campaign, published_on=day, channel=channel, title=title, office=_office(office)
        )


@transaction.atomic
def load_before_reform(out) -> None:
    """The 2021 campaign of huyện Tuần Giáo, closed with its final review."""
    tuan_giao = AdministrativeUnit.objects.get(level="district", code="099")
    for code, name, kind in EXTRA_OFFICES:
        if not Office.objects.filter(code=code).exists():
            Office.objects.create(code=code, name=name, kind=kind, unit=tuan_giao)
    campaign, created = Campaign.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Điều ước cho em – huyện Tuần Giáo",
            "scope": tuan_giao,
            "lead_office": _office("ubnd-tuan-giao"),
            "starts_on": date(2021, 2, 20),
            "ends_on": date(2021, 12, 31),
            "purpose": PURPOSE,
            "requirements": REQUIREMENTS,
            "story": STORY,
            "is_published": True,
        },
    )
    if not created:
        return
    _plan(campaign, legal=LEGAL_BASIS, duties=DUTIES, targets=TARGETS)
    for title, owner, focal, due, done in TASKS:
        Task.objects.create(
            campaign=campaign,
            title=title,
            owner=_office(owner),
            focal_point=focal,
            due_on=due,
            status=Task.Status.DONE,
            done_on=done,
        )
    _event(
        campaign,
        kind=Event.Kind.REVIEW,
        title="Hội nghị sơ kết 6 tháng thực hiện Chương trình “Điều ước cho em”",
        starts_at=_aware(date(2021, 8, 20), time(8, 0)),
        ends_at=_aware(date(2021, 8, 20), time(11, 30)),
        venue="Hội trường UBND huyện Tuần Giáo",
        host="pgddt-tuan-giao",
        attendance=45,
        agenda=[
            (time(8, 0), "Tuyên bố lý do, giới thiệu đại biểu", "Văn phòng HĐND–UBND huyện"),
            (time(8, 15), "Báo cáo sơ kết 6 tháng thực hiện Chương trình", "Phòng Giáo dục và Đào tạo"),
            (time(9, 0), "Tham luận của các trường có nhiều điểm trường lẻ", "Trường PTDTBT Tiểu học Pú Xi"),
            (time(10, 0), "Thảo luận, đề xuất giải pháp", "Các đại biểu"),
            (time(11, 0), "Kết luận hội nghị", "Lãnh đạo UBND huyện"),
        ],
        invitations=[
            ("pgddt-tuan-giao", 6, "confirmed"),
            ("ttvh-tuan-giao", 2, "confirmed"),
            ("ubnd-xa-tuan-giao", 19, "confirmed"),
            ("csgd-tuan-giao", 15, "confirmed"),
            ("mttq-tuan-giao", 3, "declined"),
        ],
        budget=(ROOM_COSTS, 6_500_000, "Ngân sách huyện giao Phòng GD&ĐT năm 2021", "1120/QĐ-UBND", True),
    )
    _event(
        campaign,
        kind=Event.Kind.HONOURING,
        title="Lễ tôn vinh các nhà hảo tâm đồng hành cùng học sinh Tuần Giáo",
        starts_at=_aware(date(2021, 12, 22), time(14, 0)),
        venue="Trường PTDTBT Tiểu học Pú Xi",
        host="pgddt-tuan-giao",
        attendance=80,
        budget=(HONOURS_COSTS, 12_000_000, SOCIAL_FUNDS, "", True),
    )
    _communications(
        campaign,
        [
            (date(2021, 3, 12), "broadcast", "Phóng sự: Điểm trường bản Hua Sát mong có nhà vệ sinh", "ttvh-tuan-giao"),
            (
                date(2021, 3, 30),
                "article",
                "Tuần Giáo triển khai Chương trình “Điều ước cho em” trong ngành giáo dục",
                "pgddt-tuan-giao",
            ),
            (
                date(2021, 11, 24),
                "social",
                "Cảm ơn các nhà hảo tâm đã mang chăn ấm tới học sinh bán trú Pú Xi",
                "pgddt-tuan-giao",
            ),
        ],
    )
    _issue_final_review(campaign)
    out("  campaign: Điều ước cho em – huyện Tuần Giáo (2021, closed with its final review)")


def _issue_final_review(campaign: Campaign) -> None:
    """The final review, drafted through the services by the district's officer, and
    issued on paper in 2021, before the portal kept registers: its typed number stands
    (Review.number_text) and it has no IssuedDocument. Dated as it was: 28 December 2021
    (its history rows too)."""
    officer = get_user_model().objects.get(email="district@demo.vn")
    review = review_create(campaign=campaign, review=Review(kind=Review.Kind.FINAL, **FINAL_REVIEW), user=officer)
    review.issued_at, review.issued_by = timezone.now(), officer
    review._history_user = officer
    review.save(update_fields=["issued_at", "issued_by"])
    issued = FINAL_REVIEW_ISSUED.replace(tzinfo=timezone.get_current_timezone())
    drafted = issued - timedelta(days=4)
    Review.objects.filter(pk=review.pk).update(created_at=drafted, issued_at=issued)
    rows = list(Review.history.filter(id=review.pk).order_by("history_id"))
    for row, when in zip(rows, [drafted, issued], strict=True):
        row.history_date = when
        row.created_at = drafted
        row.issued_at = issued if row.issued_at else None
        row.save(update_fields=["history_date", "created_at", "issued_at"])


@transaction.atomic
def load(out) -> None:
    """Today's programme of the province, on the current map."""
    dien_bien = AdministrativeUnit.objects.get(level="province", code="11", abolished_on__isnull=True)
    for code, name, kind in EXTRA_OFFICES_TODAY:
        if not Office.objects.filter(code=code).exists():
            Office.objects.create(code=code, name=name, kind=kind, unit=dien_bien)
    campaign, created = Campaign.objects.get_or_create(
        slug=SLUG_TODAY,
        defaults={
            "name": "Điều ước cho em – tỉnh Điện Biên",
            "scope": dien_bien,
            "lead_office": _office("sgddt-dien-bien"),
            "starts_on": date(2026, 1, 15),
            "purpose": PURPOSE_TODAY,
            "requirements": REQUIREMENTS,
            "story": STORY_TODAY,
            "is_published": True,
        },
    )
    if not created:
        _programme_fund(campaign, out)
        return
    _plan(campaign, legal=LEGAL_BASIS[:1], duties=DUTIES_TODAY, targets=TARGETS_TODAY)
    today = timezone.localdate()
    for title, owner, focal, days, status in TASKS_TODAY:
        Task.objects.create(
            campaign=campaign,
            title=title,
            owner=_office(owner),
            focal_point=focal,
            due_on=today + timedelta(days=days),
            status=status,
            done_on=today + timedelta(days=days) if status == "done" else None,
        )
    _event(
        campaign,
        kind=Event.Kind.REVIEW,
        title="Hội nghị sơ kết thực hiện Chương trình “Điều ước cho em” năm 2026",
        starts_at=_aware(today + timedelta(days=24), time(8, 0)),
        ends_at=_aware(today + timedelta(days=24), time(11, 30)),
        venue="Hội trường Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        host="sgddt-dien-bien",
        attendance=60,
        agenda=[
            (time(8, 0), "Tuyên bố lý do, giới thiệu đại biểu", "Văn phòng Sở"),
            (time(8, 15), "Báo cáo sơ kết thực hiện Chương trình", "Sở Giáo dục và Đào tạo"),
            (time(9, 0), "Tham luận: xác minh nhu cầu ở cấp xã", "Phòng Văn hóa - Xã hội xã Mường Mùn"),
            (time(9, 40), "Tham luận của các trường có nhiều điểm trường lẻ", "Trường PTDTBT Tiểu học Pú Xi"),
            (time(10, 20), "Thảo luận, đề xuất giải pháp", "Các đại biểu"),
            (time(11, 0), "Kết luận hội nghị", "Lãnh đạo Sở"),
        ],
        invitations=[
            ("sgddt-dien-bien", 8, "confirmed"),
            ("vhxh-muong-mun", 2, "confirmed"),
            ("ubnd-cac-xa-dien-bien", 45, "pending"),
            ("csgd-dien-bien", 20, "pending"),
        ],
        budget=(ROOM_COSTS, 8_500_000, "Dự toán chi ngân sách năm 2026 giao Sở Giáo dục và Đào tạo", "", False),
    )
    _event(
        campaign,
        kind=Event.Kind.HONOURING,
        title="Lễ tôn vinh các nhà hảo tâm đồng hành cùng học sinh xã Mường Mùn",
        starts_at=_aware(today + timedelta(days=45), time(14, 0)),
        venue="Trường PTDTBT Tiểu học Pú Xi, xã Mường Mùn",
        host="ubnd-xa-muong-mun",
        attendance=80,
        budget=(HONOURS_COSTS, 12_000_000, SOCIAL_FUNDS, "", False),
    )
    _communications(
        campaign,
        [
            (today + timedelta(days=days), channel, title, office)
            for days, channel, title, office in [
                (-50, "broadcast", "Phóng sự: Điểm trường bản Hua Sát mong có nhà vệ sinh", "ubnd-xa-muong-mun"),
                (-30, "article", "Điện Biên triển khai Chương trình “Điều ước cho em” năm 2026", "sgddt-dien-bien"),
                (-8, "social", "Cảm ơn các nhà hảo tâm đã mang chăn ấm tới học sinh bán trú Pú Xi", "vhxh-muong-mun"),
            ]
        ],
    )
    featured = campaign.needs().filter(status=Need.Status.VERIFIED).order_by("-urgency", "pk")[:4]
    campaign.featured_needs.set(featured)
    out("  campaign: Điều ước cho em – tỉnh Điện Biên (today)")
    _programme_fund(campaign, out)


FUND_SLUG = "dieu-uoc-cho-em-dien-bien-2026"
# Gifts to the fund: name, e-mail, amount, anonymous, what became of it.
FUND_GIFTS = [
    ("Công ty TNHH Thương mại Minh Phát", "lienhe@minhphat.demo.vn", 20_000_000, False, "received"),
    ("Trần Thu Hà", "donor@demo.vn", 5_000_000, False, "received"),
    ("Một nhà hảo tâm", "an.nguyen@demo.vn", 3_000_000, True, "received"),
    ("Hội Doanh nhân trẻ tỉnh Điện Biên", "hdnt@dienbien.demo.vn", 10_000_000, False, "pledged"),
    ("Phạm Thị Mai", "mai.pham@demo.vn", 2_000_000, False, "expired"),
]
# The approved plan's lines (the first three verified needs of the province that lack
# at least this much, most urgent first) and the draft waiting for the approver.
ALLOCATED = [8_000_000, 6_000_000, 5_000_000]
DRAFTED = 4_000_000


def _programme_fund(campaign: Campaign, out) -> None:
    """The department's programme fund of today's campaign, through the services: gifts
    pledged, received and expired; a plan drafted by province@demo.vn, approved by
    approver@demo.vn and issued as a decision of the department (its register's number,
    signed by its director), one of its three allocations confirmed by the school; and a
    second plan waiting for approval. Idempotent: nothing is done if the fund exists."""
    from core.formatting import format_vnd
    from documents.models import Signer
    from donations import allocations
    from donations import services as donations_services
    from donations.models import Fund, Pledge

    from .services import campaign_fund_add

    if Fund.objects.filter(slug=FUND_SLUG).exists():
        return
    User = get_user_model()
    drafter = User.objects.get(email="province@demo.vn")
    approver = User.objects.get(email="approver@demo.vn")
    department = _office("sgddt-dien-bien")
    fund = campaign_fund_add(
        campaign=campaign,
        office=department,
        name="Quỹ Điều ước cho em – Điện Biên 2026",
        slug=FUND_SLUG,
        description=(
            "Quỹ tiếp nhận kinh phí ủng hộ Chương trình “Điều ước cho em” năm 2026 của tỉnh Điện Biên. "
            "Sở Giáo dục và Đào tạo phân bổ cho các nhu cầu đã được xác minh theo phương án hỗ trợ được phê duyệt, "
            "công khai từng khoản thu, chi trên trang này."
        ),
        actor=drafter,
    ).fund
    today = timezone.localdate()
    for name, email, amount, anonymous, outcome in FUND_GIFTS:
        user = User.objects.filter(email=email).first()
        pledge, _created = donations_services.pledge_create(
            fund=fund,
            donor=donations_services.DonorDetails(name=name, email=email, user=user),
            amount=amount,
            anonymous=anonymous,
            message="Chung tay cùng các em vùng cao." if not anonymous else "",
        )
        if outcome == "received":
            donations_services.pledge_receive(pledge=pledge, actor=drafter, amount=amount, received_on=today)
        elif outcome == "expired":
            Pledge.objects.filter(pk=pledge.pk).update(expires_on=today - timedelta(days=1))
            donations_services.pledge_expire(pledge=pledge)
    signer = Signer.objects.filter(office=department, authority=Signer.Authority.HEAD, is_active=True).first()
    lacking = [
        need
        for need in campaign.needs()
        .filter(status=Need.Status.VERIFIED, lunch_pupils__isnull=True)
        .order_by("-urgency", "pk")
        if need.amount_missing >= ALLOCATED[0]
    ]
    plan = allocations.plan_draft(
        fund=fund,
        actor=drafter,
        title="Phân bổ kinh phí Quỹ Điều ước cho em đợt 1 năm 2026",
        reason="Căn cứ biên bản xác minh nhu cầu của các xã và đề xuất của Phòng Văn hóa - Xã hội xã Mường Mùn;",
    )
    for need, amount in zip(lacking, ALLOCATED, strict=False):
        allocations.line_add(plan=plan, need=need, amount=amount, actor=drafter)
    allocations.plan_approve(plan=plan, actor=approver, signer=signer)
    first = plan.lines.select_related("pledge", "need__school").order_by("pk").first()
    staff = User.objects.filter(memberships__school=first.need.school).first() or drafter
    donations_services.pledge_receive(pledge=first.pledge, actor=staff, amount=first.amount, received_on=today)
    waiting = allocations.plan_draft(
        fund=fund, actor=drafter, title="Phân bổ kinh phí Quỹ Điều ước cho em đợt 2 năm 2026", reason=""
    )
    following = [need for need in lacking[len(ALLOCATED) :] if need.amount_missing >= DRAFTED][:1]
    for need in following:
        allocations.line_add(plan=waiting, need=need, amount=DRAFTED, actor=drafter)
    fund.refresh_from_db()
    out(
        f"  programme fund: {fund.name}, {format_vnd(fund.amount_received)} received, "
        f"{format_vnd(fund.amount_allocated)} allocated by decision {plan.document.number_text}"
    )
