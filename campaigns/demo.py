"""Demo campaign "Điều ước cho em – huyện Tuần Giáo", built from the seed plan: its legal
basis, the units and duties of its section IV, tasks from section III, a review meeting
and a donor-honouring ceremony, and communication activities."""

from datetime import date, datetime, time, timedelta

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
    Target,
    Task,
)

SLUG = "dieu-uoc-cho-em-tuan-giao"

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
    ("toilets", "needs", 15, "nhà vệ sinh được xây mới hoặc sửa chữa"),
    ("water", "needs", 10, "công trình nước sạch cho điểm trường"),
    ("electricity", "needs", 8, "điểm trường có điện"),
    ("meals", "pupils", 3000, "học sinh được hỗ trợ bữa trưa"),
    ("books", "amount", 200_000_000, "cho sách vở, đồ dùng học tập"),
]

# title, owner, focal point, days from today (negative: in the past), status
TASKS = [
    (
        "Cử đầu mối hướng dẫn các cơ sở giáo dục cập nhật thông tin lên cổng",
        "pgddt-tuan-giao",
        "Quàng Thị Hoa",
        -60,
        "done",
    ),
    (
        "Tổng hợp số liệu khó khăn về điện, nước, nhà vệ sinh của các điểm trường",
        "pgddt-tuan-giao",
        "Quàng Thị Hoa",
        5,
        "doing",
    ),
    (
        "Phát sóng phóng sự về điểm trường bản Hua Sát trên Đài Truyền thanh huyện",
        "ttvh-tuan-giao",
        "Lò Văn Khoa",
        -4,
        "todo",
    ),
    (
        "Rà soát, cập nhật hồ sơ điểm trường lẻ trên cổng thông tin",
        "csgd-tuan-giao",
        "Hiệu trưởng các trường",
        -10,
        "doing",
    ),
    ("Chuẩn bị báo cáo sơ kết 6 tháng thực hiện Chương trình", "pgddt-tuan-giao", "Quàng Thị Hoa", 21, "todo"),
    ("Đề xuất danh sách nhà hảo tâm được tôn vinh", "csgd-tuan-giao", "Hiệu trưởng các trường", 14, "todo"),
]


def _office(code):
    return Office.objects.get(code=code)


@transaction.atomic
def load(out) -> None:
    tuan_giao = AdministrativeUnit.objects.get(code="099", abolished_on__isnull=True)
    for code, name, kind in EXTRA_OFFICES:
        Office.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "unit": tuan_giao})
    campaign, created = Campaign.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Điều ước cho em – huyện Tuần Giáo",
            "scope": tuan_giao,
            "lead_office": _office("ubnd-tuan-giao"),
            "starts_on": date(2021, 2, 20),
            "purpose": PURPOSE,
            "requirements": REQUIREMENTS,
            "story": STORY,
            "is_published": True,
        },
    )
    if not created:
        return
    LegalDocument.objects.create(
        campaign=campaign,
        number="191/UBND-KGVX",
        issued_on=date(2021, 1, 21),
        issuer="UBND tỉnh Điện Biên",
        title="Về việc triển khai chương trình “Điều ước cho em”",
        position=1,
    )
    LegalDocument.objects.create(
        campaign=campaign,
        number="288/SGDĐT-VP",
        issued_on=date(2021, 2, 4),
        issuer="Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        title="Về việc triển khai Chương trình “Điều ước cho em” trong ngành Giáo dục tỉnh Điện Biên",
        position=2,
    )
    for position, (code, role, duties) in enumerate(DUTIES):
        Responsibility.objects.create(
            campaign=campaign, office=_office(code), role=role, duties=duties, position=position
        )
    for category, measure, quantity, label in TARGETS:
        Target.objects.create(campaign=campaign, category=category, measure=measure, quantity=quantity, label=label)
    today = timezone.localdate()
    for title, owner, focal, days, status in TASKS:
        Task.objects.create(
            campaign=campaign,
            title=title,
            owner=_office(owner),
            focal_point=focal,
            due_on=today + timedelta(days=days),
            status=status,
            done_on=today + timedelta(days=days) if status == "done" else None,
        )
    tz = timezone.get_current_timezone()
    review = Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.REVIEW,
        title="Hội nghị sơ kết 6 tháng thực hiện Chương trình “Điều ước cho em”",
        starts_at=datetime.combine(today + timedelta(days=24), time(8, 0), tzinfo=tz),
        ends_at=datetime.combine(today + timedelta(days=24), time(11, 30), tzinfo=tz),
        venue="Hội trường UBND huyện Tuần Giáo",
        host=_office("pgddt-tuan-giao"),
        expected_attendance=45,
    )
    for position, (at, title, presenter) in enumerate(
        [
            (time(8, 0), "Tuyên bố lý do, giới thiệu đại biểu", "Văn phòng HĐND–UBND huyện"),
            (time(8, 15), "Báo cáo sơ kết 6 tháng thực hiện Chương trình", "Phòng Giáo dục và Đào tạo"),
            (time(9, 0), "Tham luận của các trường có nhiều điểm trường lẻ", "Trường PTDTBT Tiểu học Pú Xi"),
            (time(10, 0), "Thảo luận, đề xuất giải pháp", "Các đại biểu"),
            (time(11, 0), "Kết luận hội nghị", "Lãnh đạo UBND huyện"),
        ]
    ):
        AgendaItem.objects.create(event=review, position=position, starts_at=at, title=title, presenter=presenter)
    for code, people, reply in [
        ("pgddt-tuan-giao", 6, "confirmed"),
        ("ttvh-tuan-giao", 2, "confirmed"),
        ("ubnd-xa-tuan-giao", 19, "pending"),
        ("csgd-tuan-giao", 15, "pending"),
        ("mttq-tuan-giao", 3, "declined"),
    ]:
        Invitation.objects.create(event=review, office=_office(code), people=people, reply=reply)
    BudgetLine.objects.create(
        campaign=campaign,
        event=review,
        description="Tài liệu, nước uống, trang trí hội trường",
        amount=6_500_000,
        funding_source="Ngân sách huyện giao Phòng GD&ĐT năm 2025",
        decision_number="1120/QĐ-UBND",
    )
    honouring = Event.objects.create(
        campaign=campaign,
        kind=Event.Kind.HONOURING,
        title="Lễ tôn vinh các nhà hảo tâm đồng hành cùng học sinh Tuần Giáo",
        starts_at=datetime.combine(today + timedelta(days=45), time(14, 0), tzinfo=tz),
        venue="Trường PTDTBT Tiểu học Pú Xi",
        host=_office("pgddt-tuan-giao"),
        expected_attendance=80,
    )
    BudgetLine.objects.create(
        campaign=campaign,
        event=honouring,
        description="Giấy khen, hoa, khánh tiết",
        amount=12_000_000,
        funding_source="Nguồn xã hội hóa",
        decision_number="",
    )
    for days, channel, title, office in [
        (-50, "broadcast", "Phóng sự: Điểm trường bản Hua Sát mong có nhà vệ sinh", "ttvh-tuan-giao"),
        (-30, "article", "Tuần Giáo triển khai Chương trình “Điều ước cho em” trong ngành giáo dục", "pgddt-tuan-giao"),
        (-8, "social", "Cảm ơn các nhà hảo tâm đã mang chăn ấm tới học sinh bán trú Phình Sáng", "pgddt-tuan-giao"),
    ]:
        CommunicationActivity.objects.create(
            campaign=campaign,
            published_on=today + timedelta(days=days),
            channel=channel,
            title=title,
            office=_office(office),
        )
    featured = Need.objects.filter(school__district=tuan_giao, status=Need.Status.VERIFIED).order_by("-urgency", "pk")[
        :4
    ]
    campaign.featured_needs.set(featured)
    out("  campaign: Điều ước cho em – huyện Tuần Giáo")
