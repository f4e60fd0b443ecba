"""Every printed document stands on the one Decree 30/2020/NĐ-CP layout
(templates/documents/base.html and document.css), read out of the real PDF: its faces,
its first page's header with positions and sizes, the close ("Nơi nhận" beside the
signature block), and a long review's page numbers and signature block (issue 16)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from campaigns.models import LegalDocument, Responsibility
from campaigns.plans import event_plan_pdf
from campaigns.reviews import review_pdf
from documents.templatetags.decree30 import decree30_day, decree30_month
from donations.letters import thank_you_pdf
from donations.services import DonorDetails, pledge_create, pledge_receive
from letters_contest.certificates import certificate_pdf
from letters_contest.models import Award
from needs.models import Need
from receiving.records import record_issue
from receiving.settlements import Line, settlement_publish, settlement_save
from tests.campaigns.factories import CampaignFactory, EventFactory, ReviewFactory
from tests.documents.factories import SignerFactory
from tests.documents.test_fonts import faces_of
from tests.letters_contest.factories import AwardFactory, ContestRoundFactory, EntryFactory
from tests.needs.factories import NeedFactory
from tests.support.documents import MM, Page, pages_of

# The page box of Decree 30: margins left 30 mm, right 15 mm, top and bottom 20 mm.
LEFT, RIGHT, TOP = 30 * MM, 15 * MM, 20 * MM
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def content_centre(page: Page) -> float:
    return (LEFT + page.width - RIGHT) / 2


@dataclass
class Printed:
    """A document as printed, and what its header and close must read."""

    pdf: bytes
    parent: str
    body: str
    number: str
    date_line: str
    kind: str
    first_words: str  # how the body's first paragraph begins ("" for a certificate)
    signature: tuple[str, ...]  # the signature block's lines above the signature
    signer: str
    recipients: bool = True


def the_review(area, campaign, reform) -> Printed:
    LegalDocument.objects.create(
        campaign=campaign,
        number="191/UBND-KGVX",
        issued_on=date(2021, 1, 21),
        issuer="UBND tỉnh Điện Biên",
        title="về việc triển khai chương trình “Điều ước cho em”",
    )
    Responsibility.objects.create(campaign=campaign, office=area.office_b, role="coordinate", duties="Phối hợp")
    review = ReviewFactory(
        campaign=campaign,
        kind="final",
        number="125",
        issued_at=at(date(2021, 3, 5)),
        issued_by=area.officer_a,
        assessment="Các nhà hảo tâm đã chung tay hỗ trợ kịp thời.",
    )
    return Printed(
        review_pdf(review),
        parent="ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO",
        body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        number="Số: 125/BC-PGDĐT",
        date_line="Tuần Giáo, ngày 05 tháng 3 năm 2021",
        kind="BÁO CÁO",
        first_words="Căn cứ",
        signature=("TRƯỞNG PHÒNG",),
        signer=area.officer_a.full_name,
    )


def the_committees_review(area, campaign, reform) -> Printed:
    committee = CampaignFactory(scope=reform.pu_xi, lead_office=reform.commune_committee, starts_on=date(2026, 1, 5))
    review = ReviewFactory(campaign=committee, number="7", issued_at=at(date(2026, 12, 1)), issued_by=area.officer_a)
    return Printed(
        review_pdf(review),
        parent="",
        body="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        number="Số: 7/BC-UBND",
        date_line="Pú Xi, ngày 01 tháng 12 năm 2026",
        kind="BÁO CÁO",
        first_words="0/1 trường",  # no legal basis: the review opens with its figures
        signature=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        signer=area.officer_a.full_name,
    )


def the_campaign_plan(area, campaign, reform) -> Printed:
    event = EventFactory(campaign=campaign, starts_at=at(date(2021, 2, 6)), title="Hội nghị triển khai")
    Responsibility.objects.create(campaign=campaign, office=area.office_b, role="coordinate", duties="Phối hợp")
    return Printed(
        event_plan_pdf(event),
        parent="ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO",
        body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        number="Số: …/KH-PGDĐT",
        date_line="Tuần Giáo, ngày 06 tháng 02 năm 2021",
        kind="KẾ HOẠCH",
        first_words="Phòng Giáo dục và Đào tạo",  # no legal basis: the plan opens with its issuer
        signature=("TRƯỞNG PHÒNG",),
        signer="",
    )


def the_contest_plan(area, campaign, reform) -> Printed:
    round_ = ContestRoundFactory(edition__number=53, province=reform.bac_giang, organiser=reform.bac_giang_information)
    event = EventFactory(campaign=round_.campaign, starts_at=at(date(2024, 1, 20)))
    return Printed(
        event_plan_pdf(event),
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        body="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        number="Số: …/KH-STTTT",
        date_line="Bắc Giang, ngày 20 tháng 01 năm 2024",
        kind="KẾ HOẠCH",
        first_words="Sở Thông tin và Truyền thông",
        signature=("GIÁM ĐỐC",),
        signer="",
    )


def the_certificate(area, campaign, reform) -> Printed:
    round_ = ContestRoundFactory(edition__number=55, province=reform.bac_ninh, organiser=reform.bac_ninh_information)
    entry = EntryFactory(round=round_, school=area.school_b, pupil_name="Quàng Văn Nam")
    award = AwardFactory(entry=entry)
    Award.objects.filter(pk=award.pk).update(decided_at=at(date(2026, 10, 9)))
    award.refresh_from_db()
    return Printed(
        certificate_pdf(entry, award),
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        body="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        number="Số: …/GCN-SKHCN",
        date_line="Bắc Ninh, ngày 09 tháng 10 năm 2026",
        kind="GIẤY CHỨNG NHẬN",
        first_words="",
        signature=("GIÁM ĐỐC",),
        signer="",
        recipients=False,
    )


def the_letter(area, campaign, reform) -> Printed:
    area.school_a.principal_name = "Lò Văn Hùng"
    area.school_a.save()
    need = NeedFactory(school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn", 40, "cái", 250_000)])
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="Trần Thu Hà", email="ha@example.vn"), amount=500_000)
    pledge = pledge_receive(pledge=pledge, actor=area.staff_a, amount=500_000, received_on="2026-11-20")
    pledge.refresh_from_db()  # the day received as the database keeps it, a date
    today = timezone.localdate()
    return Printed(
        thank_you_pdf(pledge),
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        number="Số: …/PTDTBTTHPX",
        date_line=f"Pú Xi, ngày {decree30_day(today)} tháng {decree30_month(today)} năm {today:%Y}",
        kind="THƯ CẢM ƠN",
        first_words="Thay mặt",
        signature=("HIỆU TRƯỞNG",),
        signer="Lò Văn Hùng",
    )


def _received_gift(area):
    area.school_a.principal_name = "Lò Văn Hùng"
    area.school_a.save()
    signer = SignerFactory(school=area.school_a, full_name="Lò Văn Hùng")
    need = NeedFactory(school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn", 41, "cái", 50_000)])
    donor = DonorDetails(name="Công ty Minh Phát", email="lienhe@minhphat.example.vn")
    pledge, _ = pledge_create(need=need, donor=donor, amount=2_050_000)
    pledge = pledge_receive(pledge=pledge, actor=area.staff_a, amount=2_050_000, received_on=date(2026, 11, 2))
    return need, pledge, signer


def _today_line():
    today = timezone.localdate()
    return f"Pú Xi, ngày {decree30_day(today)} tháng {decree30_month(today)} năm {today:%Y}"


def the_receipt_record(area, campaign, reform) -> Printed:
    _need, pledge, signer = _received_gift(area)
    record = record_issue(pledge=pledge, actor=area.staff_a, signer=signer, giver_representative="Nguyễn Minh Phát")
    return Printed(
        record.document.pdf.read(),
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        number=f"Số: {record.document.number_text}",
        date_line=_today_line(),
        kind="BIÊN BẢN",
        first_words="Hôm nay",
        signature=("HIỆU TRƯỞNG",),
        signer="Lò Văn Hùng",
        recipients=False,  # the sponsor's signature block stands in its place
    )


def the_settlement_report(area, campaign, reform) -> Printed:
    need, _pledge, signer = _received_gift(area)
    Need.objects.filter(pk=need.pk).update(status=Need.Status.DELIVERED, delivered_at=timezone.now())
    need.refresh_from_db()
    report = settlement_save(
        need=need,
        actor=area.staff_a,
        lines=[Line("Chăn", 41, "cái", 50_000, 2_050_000, "HĐ 0001234")],
        spent_total=2_050_000,
        remainder="none",
    )
    report = settlement_publish(report=report, actor=area.staff_a, signer=signer)
    return Printed(
        report.document.pdf.read(),
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        number=f"Số: {report.document.number_text}",
        date_line=_today_line(),
        kind="BÁO CÁO",
        first_words="Trường PTDTBT",
        signature=("HIỆU TRƯỞNG",),
        signer="Lò Văn Hùng",
    )


DOCUMENTS = [
    the_review,
    the_committees_review,
    the_campaign_plan,
    the_contest_plan,
    the_certificate,
    the_letter,
    the_receipt_record,
    the_settlement_report,
]


@pytest.fixture(params=DOCUMENTS, ids=lambda make: make.__name__.removeprefix("the_"))
def printed(request, area, campaign, reform) -> Printed:
    return request.param(area, campaign, reform)


def test_every_printed_document_is_set_in_liberation_serif_2_alone(printed):
    faces = faces_of(printed.pdf)

    assert faces and {(family, version) for family, _style, version in faces} == {("Liberation Serif", "2")}


def test_the_first_pages_header_stands_where_decree_30_puts_it(printed):
    page = pages_of(printed.pdf)[0]
    middle = page.width / 2

    # Left column: the parent body (not bold) above the issuing body (bold), 12-13 pt,
    # each whole on the left half, wrapped (if at all) between the body and its place.
    body = page.lines(printed.body)
    left = body
    if printed.parent:
        parent = page.lines(printed.parent)
        assert all(not run.bold and 12 <= run.size <= 13 for run in parent)
        assert max(run.y for run in body) < min(run.y for run in parent)
        left = parent + body
    assert all(run.bold and 12 <= run.size <= 13 for run in body)
    assert all(run.x >= LEFT and run.right <= middle for run in left), [(r.text, r.x, r.right) for r in left]
    number = page.find(printed.number)
    assert number.size == 13 and not number.bold and number.right <= middle
    assert number.y < min(run.y for run in left)

    # Right column: the nation in bold caps on one line, level with the top of the left
    # column; the motto 13-14 pt bold, with hyphens; the place and date 13-14 pt italic,
    # on the number's line.
    title, motto, dated = page.find(NATIONAL_TITLE), page.find(MOTTO), page.find(printed.date_line)
    assert title.bold and 12 <= title.size <= 13 and title.x >= middle
    assert abs(title.y - max(run.y for run in left)) < 2
    assert motto.bold and 13 <= motto.size <= 14 and motto.x >= middle and motto.y < title.y
    assert dated.italic and 13 <= dated.size <= 14 and dated.x >= middle
    assert abs(dated.y - number.y) < 3
    # Each line centred in its column.
    assert abs(title.centre - motto.centre) < 1 and abs(motto.centre - dated.centre) < 1

    # The kind of document, bold and centred, under the header.
    kind = page.find(printed.kind)
    assert kind.bold and abs(kind.centre - content_centre(page)) < 1.5 and kind.y < dated.y

    # The body: 13-14 pt, its first line indented 1-1.27 cm.
    if printed.first_words:
        first = next(run for run in page.runs if run.text.startswith(printed.first_words))
        assert 13 <= first.size <= 14 and not first.bold
        assert 10 * MM - 0.5 <= first.x - LEFT <= 12.7 * MM + 0.5

    # No page number on the first page.
    assert not [run.text for run in page.runs if run.y > page.height - TOP]


def test_nơi_nhận_stands_on_the_left_beside_the_signature_block(printed):
    pages = pages_of(printed.pdf)
    (page,) = [page for page in pages if printed.signature[0] in [run.text for run in page.runs]]
    middle = page.width / 2
    authority = [page.find(line) for line in printed.signature]

    assert all(run.bold and 13 <= run.size <= 14 and run.x >= middle for run in authority)
    assert [run.y for run in authority] == sorted((run.y for run in authority), reverse=True)
    if printed.signer:
        signer = page.find(printed.signer)
        assert signer.bold and 13 <= signer.size <= 14 and signer.x >= middle
        # Room for the signature and the seal between the title and the name.
        assert authority[-1].y - signer.y > 20 * MM
    if printed.recipients:
        label = page.find("Nơi nhận:")
        assert label.bold and label.italic and label.size == 12
        assert label.x == pytest.approx(LEFT, abs=0.5) and label.right <= middle
        # On the same row as the signature block's first line.
        assert abs(label.y - authority[0].y) < 6
        archive = page.find("- Lưu: VT.")
        assert archive.size == 11 and archive.y < label.y
    else:
        assert "Nơi nhận:" not in page.text


def test_a_certificate_fills_one_landscape_page(area, campaign, reform):
    printed = the_certificate(area, campaign, reform)
    (page,) = pages_of(printed.pdf)

    assert page.width > page.height
    title, pupil = page.find("GIẤY CHỨNG NHẬN"), page.find("Quàng Văn Nam")
    assert title.bold and title.size >= 26 and pupil.bold and pupil.size >= 20
    assert page.find("Giải Nhất").bold
    # The signature block in the lower half, its room for the seal reaching the foot.
    assert page.find("GIÁM ĐỐC").y < page.height / 2


# --- a long review: page numbers and the signature block -------------------------------

ASSESSMENT = (
    "Trong năm học, ngành giáo dục đã phối hợp với các xã, các nhà trường và các nhà hảo tâm "
    "rà soát từng điểm trường lẻ, công khai nhu cầu trên cổng thông tin và theo dõi việc bàn "
    "giao đến từng học sinh; các đoàn kiểm tra đã đến tận điểm trường để xác minh số liệu, "
    "ghi nhận những khó khăn về đường sá, điện, nước sạch và chỗ ở bán trú của học sinh."
)
LAST_PARAGRAPH = (
    "Các nhà trường hoàn thành báo cáo bàn giao và quyết toán các khoản ủng hộ, gửi về Phòng "
    "Giáo dục và Đào tạo trước ngày 30 tháng 5 năm 2022 để tổng hợp, báo cáo cấp trên."
)


def test_a_six_page_review_numbers_pages_2_to_6_at_the_top_and_keeps_its_signature_whole(area, campaign):
    review = ReviewFactory(
        campaign=campaign,
        kind="final",
        number="125",
        issued_at=at(date(2021, 12, 28)),
        issued_by=area.officer_a,
        assessment="\n\n".join(f"{n}. {ASSESSMENT}" for n in range(1, 32)),
        next_steps=LAST_PARAGRAPH,
    )

    pages = pages_of(review_pdf(review))

    assert len(pages) == 6
    assert not [run.text for run in pages[0].runs if run.y > pages[0].height - TOP]
    for number, page in enumerate(pages[1:], start=2):
        (folio,) = [run for run in page.runs if run.y > page.height - TOP]
        assert folio.text == str(number)
        assert abs(folio.centre - content_centre(page)) < 1 and 13 <= folio.size <= 14

    # The last paragraph's last line, the signature block's title and the signer's name
    # on one page, the last.
    def pages_with(text):
        return [number for number, page in enumerate(pages, start=1) if text in [run.text for run in page.runs]]

    assert pages_with("hợp, báo cáo cấp trên.") == pages_with("TRƯỞNG PHÒNG") == pages_with(area.officer_a.full_name)
    assert pages_with("TRƯỞNG PHÒNG") == [6]
    # Nor under that last line alone: the whole section goes with it, from its heading.
    assert [run.text for run in pages[-1].runs[:2]] == ["IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TIẾP THEO", LAST_PARAGRAPH[:70]]


# --- the rules behind the layout -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 2), "ngày 02 tháng 01 năm 2026"),
        (date(2026, 2, 20), "ngày 20 tháng 02 năm 2026"),
        (date(2026, 3, 2), "ngày 02 tháng 3 năm 2026"),
        (date(2026, 9, 9), "ngày 09 tháng 9 năm 2026"),
        (date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_the_date_line_pads_days_below_10_and_only_january_and_february(day, expected):
    assert f"ngày {decree30_day(day)} tháng {decree30_month(day)} năm {day:%Y}" == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO", "ỦY BAN NHÂN DÂN HUYỆN\u00a0TUẦN\u00a0GIÁO"),
        ("ỦY BAN NHÂN DÂN THỊ XÃ MƯỜNG LAY", "ỦY BAN NHÂN DÂN THỊ\u00a0XÃ\u00a0MƯỜNG\u00a0LAY"),
        ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN TUẦN GIÁO", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN\u00a0TUẦN\u00a0GIÁO"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "ỦY BAN NHÂN DÂN THÀNH\u00a0PHỐ\u00a0HỒ\u00a0CHÍ\u00a0MINH"),
        ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
        ("TRƯỜNG THCS A & B", "TRƯỜNG THCS A &amp; B"),
    ],
)
def test_a_header_name_wraps_only_between_the_body_and_its_place(name, expected):
    rendered = Template("{% load decree30 %}{{ name|keep_place }}").render(Context({"name": name}))

    assert rendered == expected


def printed_templates() -> list[str]:
    """The templates every `render_pdf` call of the project's code prints."""
    base = Path(settings.BASE_DIR)
    calls = re.compile(r"render_pdf(?:_locating)?\(\s*\"([^\"]+)\"")
    return sorted(
        {
            name
            for path in base.rglob("*.py")
            if not path.relative_to(base).parts[0].startswith((".", "tests"))
            for name in calls.findall(path.read_text(encoding="utf-8"))
        }
    )


def test_the_printed_templates_are_found():
    assert printed_templates() == [
        "campaigns/event_plan.html",
        "campaigns/review_document.html",
        "donations/decision.html",
        "donations/thank_you_letter.html",
        "letters_contest/certificate.html",
        "receiving/receipt_record.html",
        "receiving/settlement_report.html",
    ]


@pytest.mark.parametrize("name", printed_templates())
def test_a_printed_document_extends_the_base_and_keeps_only_its_content(name):
    text = (Path(settings.BASE_DIR) / "templates" / name).read_text(encoding="utf-8")

    assert text.startswith('{% extends "documents/base.html" %}')
    assert "<style" not in text and "style=" not in text
