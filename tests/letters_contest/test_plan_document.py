import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.models import Campaign, Event
from letters_contest.models import ContestRound, Entry, Score
from tests.support.demo import load_demo
from tests.support.documents import pdf_text


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()


def test_the_conference_plan_pdf_reproduces_the_seeds_structure(client, demo):
    campaign = Campaign.objects.get(slug="upu-53-bac-giang")
    conference = Event.objects.get(campaign=campaign, kind="conference")
    client.force_login(get_user_model().objects.get(email="organiser@demo.vn"))

    response = client.get(reverse("campaigns:event_plan", args=[campaign.slug, conference.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        # Issued by the province's information department before its 2025 merger, under
        # the province's People's Committee (documents/issuers.py), dated the event's day.
        # The header's first row (the bodies; the nation), then its second (number; date).
        "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG SỞ THÔNG TIN VÀ TRUYỀN THÔNG "
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
        "Số: …/KH-STTTT Bắc Giang, ngày 20 tháng 02 năm 2024",
        "KẾ HOẠCH",
        "Tổ chức Hội nghị bàn tổ chức Lễ Phát động và công tác triển khai hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 53 (Năm 2024) trên địa bàn tỉnh Bắc Giang",
        "Thực hiện Công văn số 31/BTTTT-HTQT ngày 08/01/2024 của Bộ Thông tin và Truyền thông",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "Phối hợp với Sở Giáo dục và Đào tạo, Tỉnh đoàn TNCS HCM và Bưu điện tỉnh Bắc Giang",
        "2. Yêu cầu",
        "II. NỘI DUNG KẾ HOẠCH",
        "1. Chủ đề Hội nghị",
        "2. Nội dung hội nghị",
        "Đánh giá, rút kinh nghiệm công tác tổ chức Hưởng ứng Cuộc thi Viết thư Quốc tế UPU lần thứ 52",
        "Kết luận Hội nghị",
        "3. Thành phần gồm",
        "Tổng số khách dự kiến: 23 người, bao gồm cả phục vụ",
        "4. Thời gian tổ chức: Ngày 20/02/2024",
        "5. Địa điểm: tại Hội trường tầng 1, trụ sở Sở Thông tin và Truyền thông",
        "III. KINH PHÍ THỰC HIỆN",
        "Quyết định số 05/QĐ-STTTT ngày 22/01/2024",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Sở Thông tin và Truyền thông tỉnh Bắc Giang ban hành kế hoạch",
        "Nơi nhận:",
        "GIÁM ĐỐC",
    ):
        assert expected in text, expected


def test_the_contest_demo_has_its_rounds_entries_and_judges(demo):
    bac_giang = ContestRound.objects.get(province__code="24", edition__number=53)
    assert bac_giang.campaign.responsibilities.count() == 4
    assert Entry.objects.count() >= 200
    assert Score.objects.values("judge").distinct().count() == 2
    assert ContestRound.objects.filter(province__code="11").exists()


def test_the_plan_document_is_for_the_organisers(client, demo, area=None):
    campaign = Campaign.objects.get(slug="upu-53-bac-giang")
    conference = Event.objects.get(campaign=campaign, kind="conference")
    client.force_login(get_user_model().objects.get(email="school@demo.vn"))
    # The contest's campaign is unpublished: to whoever does not organise it, it is not there.
    assert client.get(reverse("campaigns:event_plan", args=[campaign.slug, conference.pk])).status_code == 404
