from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Review
from documents.issuers import issuer_of_office
from oversight.dashboard import Area, headline
from schools.models import AdministrativeUnit
from tests.campaigns.factories import ReviewFactory
from tests.documents.factories import SignerFactory
from tests.support.documents import pdf_text


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return Campaign.objects.get(slug="dieu-uoc-cho-em-tuan-giao")


def test_the_final_review_of_the_demo_campaign_has_vietnamese_text_and_the_dashboard_figures(client, demo):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(email="district@demo.vn")
    client.force_login(officer)
    response = client.post(
        reverse("campaigns:reviews", args=[demo.slug]),
        {
            "kind": "final",
            "introduction": "Ngành giáo dục huyện đã triển khai đồng bộ.",
            "assessment": "Các nhà hảo tâm đã chung tay hỗ trợ kịp thời.",
            "next_steps": "Tiếp tục cập nhật điểm trường lẻ.",
        },
    )
    review = Review.objects.get()
    assert response.url == reverse("campaigns:review", args=[demo.slug, review.pk])
    body = issuer_of_office(demo.lead_office, on=timezone.localdate())
    signer = SignerFactory(office=body.office, full_name="Lò Văn Minh")
    client.post(response.url, {"issue": "1", "signer": signer.pk})

    document = client.get(reverse("campaigns:review_document", args=[demo.slug, review.pk]))

    assert document["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(document.streaming_content))
    figures = headline(Area(AdministrativeUnit.objects.get(code="099")))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "BÁO CÁO",
        "Tổng kết",
        "Điều ước cho em – huyện Tuần Giáo",
        "191/UBND-KGVX",
        "288/SGDĐT-VP",
        "Nhà vệ sinh",
        "Bữa ăn bán trú",
        "Các nhà hảo tâm đã chung tay hỗ trợ kịp thời.",
        "Trần Thu Hà",
        f"{figures['requested']:,}".replace(",", ".") + " ₫",
        f"{figures['received']:,}".replace(",", ".") + " ₫",
        "Quàng Thị Hoa",
        f"Số: 01/BC-{body.symbol}",
    ):
        assert expected in text, expected


def test_an_issued_review_cannot_be_edited(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="district@demo.vn"))
    review = ReviewFactory(campaign=demo, kind="interim", assessment="Ban đầu")
    url = reverse("campaigns:review", args=[demo.slug, review.pk])
    signer = SignerFactory(office=issuer_of_office(demo.lead_office, on=timezone.localdate()).office)
    client.post(url, {"issue": "1", "signer": signer.pk})
    client.post(url, {"kind": "interim", "assessment": "Sửa sau khi ban hành"})
    review.refresh_from_db()
    assert review.assessment == "Ban đầu" and review.issued_at is not None


def test_reviews_are_for_the_campaigns_officers(client, demo):
    from schools.models import Office
    from tests.schools.factories import MembershipFactory

    other_district = MembershipFactory(role="officer", office=Office.objects.get(code="pgddt-muong-ang")).user
    client.force_login(other_district)
    assert client.get(reverse("campaigns:reviews", args=[demo.slug])).status_code == 403
    client.logout()
    assert client.get(reverse("campaigns:reviews", args=[demo.slug])).status_code == 302
