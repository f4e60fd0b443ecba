import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.models import Campaign, Review
from campaigns.reviews import review_figures
from documents.models import Signer
from tests.schools.factories import MembershipFactory
from tests.support.confirm import asks_to_confirm
from tests.support.demo import load_demo
from tests.support.documents import pdf_text


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    return Campaign.objects.get(slug="dieu-uoc-cho-em-tuan-giao")


def user(email):
    return get_user_model().objects.get(email=email)


def money(amount):
    return f"{amount:,}".replace(",", ".") + " ₫"


def test_the_demo_2021_campaign_has_its_final_review_with_vietnamese_text_and_its_figures(client, demo):
    review = demo.reviews.get()
    client.force_login(user("district@demo.vn"))

    document = client.get(reverse("campaigns:review_document", args=[demo.slug, review.pk]))

    assert document["Content-Type"] == "application/pdf"
    text = pdf_text(document.content)
    figures = review_figures(demo)
    assert figures["totals"]["received"] > 0
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Tổng kết",
        "318/BC-UBND",
        "Điều ước cho em – huyện Tuần Giáo",
        "191/UBND-KGVX",
        "288/SGDĐT-VP",
        "Nhà vệ sinh",
        "Bữa ăn bán trú",
        "Các nhà hảo tâm đã chung tay hỗ trợ kịp thời",
        "Trần Thu Hà",
        money(figures["totals"]["requested"]),
        money(figures["totals"]["received"]),
        "Quàng Thị Hoa",
        "2021",
    ):
        assert expected in text, expected


def test_the_department_issues_a_review_of_todays_programme(client, demo):
    today = Campaign.objects.get(slug="dieu-uoc-cho-em-dien-bien")
    client.force_login(user("province@demo.vn"))
    response = client.post(
        reverse("campaigns:reviews", args=[today.slug]),
        {
            "kind": "interim",
            "number": "45/BC-SGDĐT",
            "introduction": "Ngành giáo dục tỉnh đã triển khai đồng bộ.",
            "assessment": "Phòng Văn hóa - Xã hội các xã xác minh kịp thời.",
            "next_steps": "Tiếp tục cập nhật điểm trường lẻ.",
        },
    )
    review = today.reviews.get()
    assert response.url == reverse("campaigns:review", args=[today.slug, review.pk])
    signer = Signer.objects.get(office__code="sgddt-dien-bien", full_name="Nguyễn Văn Minh")
    asks_to_confirm(client, response.url, {"issue": "1", "signer": signer.pk})
    review.refresh_from_db()
    assert review.issued_at is None and review.document is None  # asked, not issued
    client.post(response.url, {"issue": "1", "signer": signer.pk, "confirmed": "yes"})

    download = client.get(reverse("campaigns:review_document", args=[today.slug, review.pk]))
    text = pdf_text(b"".join(download.streaming_content))  # the PDF as issued, kept

    figures = review_figures(today)
    for expected in (
        "Sơ kết",
        # The department's register, not the typed number: one sequence for the year,
        # after the demo's allocation decision 01/QĐ-SGDĐT.
        "Số: 02/BC-SGDĐT",
        "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
        "Điều ước cho em – tỉnh Điện Biên",
        "Phòng Văn hóa - Xã hội các xã xác minh kịp thời.",
        money(figures["totals"]["requested"]),
        "Nguyễn Văn Minh",
    ):
        assert expected in text, expected
    # Today's needs only: the 2021 campaign's stay with it.
    assert "Điều ước cho em – huyện Tuần Giáo" not in text
    assert figures["totals"]["count"] == today.needs().public().count() > 0


def test_an_issued_review_cannot_be_edited(client, demo):
    client.force_login(user("district@demo.vn"))
    review = demo.reviews.get()
    url = reverse("campaigns:review", args=[demo.slug, review.pk])
    client.post(url, {"kind": "final", "assessment": "Sửa sau khi ban hành"})
    review.refresh_from_db()
    assert review.assessment.startswith("Các nhà hảo tâm đã chung tay")
    assert review.history.count() == 2


def test_reviews_are_for_the_campaigns_officers(client, demo):
    from schools.models import Office

    today = Campaign.objects.get(slug="dieu-uoc-cho-em-dien-bien")
    other_district = MembershipFactory(role="officer", office=Office.objects.get(code="pgddt-muong-ang")).user
    for person, campaign, status in [
        (other_district, demo, 403),
        (user("commune@demo.vn"), demo, 403),
        (user("commune@demo.vn"), today, 403),
        (user("district@demo.vn"), demo, 200),
        (user("district@demo.vn"), today, 403),
        (user("province@demo.vn"), demo, 200),
        (user("province@demo.vn"), today, 200),
    ]:
        client.force_login(person)
        assert client.get(reverse("campaigns:reviews", args=[campaign.slug])).status_code == status, (person, campaign)
    client.logout()
    assert client.get(reverse("campaigns:reviews", args=[demo.slug])).status_code == 302
    assert Review.objects.count() == 1
