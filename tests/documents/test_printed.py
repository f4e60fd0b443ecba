"""Every printed document, rendered to a real PDF, names its issuing body, parent body,
symbol, place and signer from documents/issuers.py: on the old three-tier map (district
offices) and on the current two-tier map (commune offices and departments)."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from campaigns.plans import event_plan_pdf
from campaigns.reviews import review_pdf
from donations.letters import thank_you_pdf
from donations.services import DonorDetails, pledge_create, pledge_receive
from letters_contest.certificates import certificate_pdf
from letters_contest.models import Award
from tests.campaigns.factories import CampaignFactory, EventFactory, ReviewFactory
from tests.letters_contest.factories import AwardFactory, ContestRoundFactory, EntryFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import MembershipFactory, SchoolFactory
from tests.support.documents import NATION, pdf_text


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def date_line(place: str, day: date) -> str:
    """Decree 30's date line: a day below 10 and the months January and February with a
    leading 0, other months without (tests/documents/test_layout.py pins the rule)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day:%d} tháng {month} năm {day:%Y}"


def assert_issued(text: str, *, parent: str, body: str, number: str, place: str, day: date, signer: list[str]):
    """The header's first row reads parent body and issuing body, then the nation; its
    second the number, then the place and date; the signature block the signer's
    authority and title."""
    head = f"{parent} {body}" if parent else body
    assert f"{head} {NATION}" in text, text[:300]
    assert f"{NATION} Số: {number} {date_line(place, day)}" in text, text[:400]
    for line in signer:
        assert line in text, line


# --- reviews ---------------------------------------------------------------------------


def test_a_2021_review_of_the_district_campaign_is_the_district_offices(area, campaign):
    review = ReviewFactory(
        campaign=campaign,
        kind="final",
        number="125/BC-PGDĐT",
        issued_at=at(date(2021, 12, 28)),
        issued_by=area.officer_a,
    )

    text = pdf_text(review_pdf(review))

    assert_issued(
        text,
        parent="ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO",
        body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        number="125/BC-PGDĐT",
        place="Tuần Giáo",
        day=date(2021, 12, 28),
        signer=["TRƯỞNG PHÒNG", area.officer_a.full_name],
    )


def test_a_review_dated_after_the_reform_is_never_a_districts(area, campaign, reform):
    # The same 2021 campaign, still led by the abolished district's office.
    old = ReviewFactory(campaign=campaign, kind="final", issued_at=at(date(2021, 12, 28)))
    draft = ReviewFactory(campaign=campaign, kind="interim", number="")
    today = timezone.localdate()

    old_text, new_text = pdf_text(review_pdf(old)), pdf_text(review_pdf(draft))

    assert f"ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO PHÒNG GIÁO DỤC VÀ ĐÀO TẠO {NATION} Số: …/BC-PGDĐT" in old_text
    assert_issued(
        new_text,
        parent="ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
        body="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        number="…/BC-SGDĐT",
        place="Điện Biên",
        day=today,
        signer=["GIÁM ĐỐC"],
    )
    assert "HUYỆN" not in new_text and "TRƯỞNG PHÒNG" not in new_text


def test_a_commune_offices_review_on_the_current_map(reform):
    campaign = CampaignFactory(scope=reform.pu_xi, lead_office=reform.commune_office, starts_on=date(2026, 1, 5))
    review = ReviewFactory(campaign=campaign, number="7", issued_at=at(date(2026, 6, 1)))

    assert_issued(
        pdf_text(review_pdf(review)),
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="PHÒNG VĂN HÓA - XÃ HỘI",
        number="7/BC-VHXH",
        place="Pú Xi",
        day=date(2026, 6, 1),
        signer=["TRƯỞNG PHÒNG"],
    )


def test_a_peoples_committees_review_signs_on_behalf_of_the_committee(reform):
    campaign = CampaignFactory(scope=reform.pu_xi, lead_office=reform.commune_committee, starts_on=date(2026, 1, 5))
    review = ReviewFactory(campaign=campaign, issued_at=at(date(2026, 6, 1)))

    text = pdf_text(review_pdf(review))

    assert_issued(
        text,
        parent="",
        body="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        number="…/BC-UBND",
        place="Pú Xi",
        day=date(2026, 6, 1),
        signer=["TM. ỦY BAN NHÂN DÂN CHỦ TỊCH"],
    )


def test_the_review_page_says_why_no_body_can_issue_the_document(client, area, campaign, reform):
    """The district office's unit is gone and the province has no department recorded: a
    message on the review's page, not a server error."""
    area.office_province.unit = reform.bac_ninh  # the department is elsewhere now
    area.office_province.save()
    review = ReviewFactory(campaign=campaign)
    client.force_login(area.officer_a)

    response = client.get(reverse("campaigns:review_document", args=[campaign.slug, review.pk]), follow=True)

    assert response.redirect_chain == [(reverse("campaigns:review", args=[campaign.slug, review.pk]), 302)]
    page = response.content.decode()
    assert "Phòng GD&amp;ĐT Tuần Giáo" in page and "Huyện Tuần Giáo" in page and "01/07/2025" in page


# --- event plans -----------------------------------------------------------------------


def test_the_plan_of_a_held_event_carries_the_event_day_and_its_body(area, campaign, reform):
    event = EventFactory(campaign=campaign, starts_at=at(date(2021, 2, 20)), title="Hội nghị triển khai")

    assert_issued(
        pdf_text(event_plan_pdf(event)),
        parent="ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO",
        body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        number="…/KH-PGDĐT",
        place="Tuần Giáo",
        day=date(2021, 2, 20),
        signer=["Phòng Giáo dục và Đào tạo huyện Tuần Giáo ban hành kế hoạch", "TRƯỞNG PHÒNG"],
    )


def test_the_plan_of_an_event_to_come_is_dated_today_by_todays_body(reform):
    campaign = CampaignFactory(scope=reform.pu_xi, lead_office=reform.commune_office, starts_on=date(2026, 1, 5))
    event = EventFactory(campaign=campaign, starts_at=timezone.now() + timedelta(days=30))

    assert_issued(
        pdf_text(event_plan_pdf(event)),
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="PHÒNG VĂN HÓA - XÃ HỘI",
        number="…/KH-VHXH",
        place="Pú Xi",
        day=timezone.localdate(),
        signer=["Phòng Văn hóa - Xã hội xã Pú Xi ban hành kế hoạch", "TRƯỞNG PHÒNG"],
    )


def test_a_contest_rounds_plan_before_and_after_the_merger_of_its_province(reform):
    old_round = ContestRoundFactory(
        edition__number=53, province=reform.bac_giang, organiser=reform.bac_giang_information
    )
    conference = EventFactory(campaign=old_round.campaign, starts_at=at(date(2024, 2, 20)))
    new_round = ContestRoundFactory(edition__number=55, province=reform.bac_ninh, organiser=reform.bac_ninh_information)
    launch = EventFactory(campaign=new_round.campaign, starts_at=timezone.now() + timedelta(days=10))

    assert_issued(
        pdf_text(event_plan_pdf(conference)),
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        body="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        number="…/KH-STTTT",
        place="Bắc Giang",
        day=date(2024, 2, 20),
        signer=["GIÁM ĐỐC"],
    )
    assert_issued(
        pdf_text(event_plan_pdf(launch)),
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        body="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        number="…/KH-SKHCN",
        place="Bắc Ninh",
        day=timezone.localdate(),
        signer=["GIÁM ĐỐC"],
    )


# --- certificates ----------------------------------------------------------------------


def award_on(entry, day: date) -> Award:
    award = AwardFactory(entry=entry)
    Award.objects.filter(pk=award.pk).update(decided_at=at(day))  # decided_at is stamped on creation
    award.refresh_from_db()
    return award


def test_a_2024_certificate_is_the_old_provinces_and_a_later_one_its_successors(area, reform):
    round_ = ContestRoundFactory(edition__number=53, province=reform.bac_giang, organiser=reform.bac_giang_information)
    first = EntryFactory(round=round_, school=area.school_b, pupil_name="Lò Thị Mai")
    second = EntryFactory(round=round_, school=area.school_b, pupil_name="Quàng Văn Nam")

    old_text = pdf_text(certificate_pdf(first, award_on(first, date(2024, 5, 10))))
    new_text = pdf_text(certificate_pdf(second, award_on(second, date(2026, 1, 15))))

    assert_issued(
        old_text,
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        body="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        number="…/GCN-STTTT",
        place="Bắc Giang",
        day=date(2024, 5, 10),
        signer=["GIẤY CHỨNG NHẬN", "Lò Thị Mai", "GIÁM ĐỐC"],
    )
    assert_issued(
        new_text,
        parent="ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        body="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        number="…/GCN-SKHCN",
        place="Bắc Ninh",
        day=date(2026, 1, 15),
        signer=["Quàng Văn Nam", "GIÁM ĐỐC"],
    )
    assert "BẮC GIANG" not in new_text


def test_a_certificate_of_a_people_committee_organiser(reform):
    round_ = ContestRoundFactory(edition__number=55, province=reform.area.province, organiser=reform.commune_committee)
    entry = EntryFactory(round=round_, school=reform.area.school_a)

    assert_issued(
        pdf_text(certificate_pdf(entry, award_on(entry, date(2026, 4, 2)))),
        parent="",
        body="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        number="…/GCN-UBND",
        place="Pú Xi",
        day=date(2026, 4, 2),
        signer=["TM. ỦY BAN NHÂN DÂN CHỦ TỊCH"],
    )


# --- thank-you letters -----------------------------------------------------------------


def received_pledge(school, actor):
    need = NeedFactory(school=school, title="Chăn ấm cho học sinh bán trú", items=[("Chăn", 40, "cái", 250_000)])
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="Trần Thu Hà", email="ha@example.vn"), amount=500_000)
    return pledge_receive(pledge=pledge, actor=actor, amount=500_000, received_on="2026-11-20")


def test_a_schools_letter_on_the_old_map_is_under_the_district_office(area):
    area.school_a.principal_name = "Lò Văn Hùng"
    area.school_a.save()

    text = pdf_text(thank_you_pdf(received_pledge(area.school_a, area.staff_a)))

    assert_issued(
        text,
        parent="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN TUẦN GIÁO",
        body="TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        number="…/PTDTBTTHPX",
        place="Pú Xi",
        day=timezone.localdate(),
        signer=["HIỆU TRƯỞNG Lò Văn Hùng"],
    )


def test_a_schools_letter_on_the_current_map_is_under_its_commune_or_the_department(area, reform):
    moved = pdf_text(thank_you_pdf(received_pledge(area.school_a, area.staff_a)))
    upper = MembershipFactory(
        role="school_staff",
        school=SchoolFactory(
            commune=reform.tuan_giao, level="upper_secondary", name="Trường THPT Tuần Giáo", principal_name="Vừ A Dình"
        ),
    )
    department = pdf_text(thank_you_pdf(received_pledge(upper.school, upper.user)))

    assert_issued(
        moved,
        parent="ỦY BAN NHÂN DÂN XÃ PÚ XI",
        body="TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        number="…/PTDTBTTHPX",
        place="Pú Xi",
        day=timezone.localdate(),
        signer=["HIỆU TRƯỞNG"],
    )
    assert "HUYỆN" not in moved
    assert_issued(
        department,
        parent="SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH ĐIỆN BIÊN",
        body="TRƯỜNG THPT TUẦN GIÁO",
        number="…/THPTTG",
        place="Tuần Giáo",
        day=timezone.localdate(),
        signer=["HIỆU TRƯỞNG Vừ A Dình"],
    )
