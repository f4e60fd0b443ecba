import pytest
from django.urls import reverse

from donations.permissions import guest_key
from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.needs.factories import NeedFactory
from tests.support.documents import pdf_text


@pytest.fixture
def received(area):
    need = NeedFactory(school=area.school_a, title="Chăn ấm cho học sinh bán trú", items=[("Chăn", 40, "cái", 250_000)])
    pledge, _ = pledge_create(
        need=need, donor=DonorDetails(name="Trần Thu Hà", email="ha@example.vn"), amount=2_500_000
    )
    return pledge_receive(pledge=pledge, actor=area.staff_a, amount=2_500_000, received_on="2026-11-20")


def test_the_letter_is_a_vietnamese_pdf_with_the_gift(client, received):
    url = reverse("donations:letter", args=[received.reference]) + f"?key={guest_key(received)}"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THƯ CẢM ƠN",
        "Trần Thu Hà",
        "Trường PTDTBT Tiểu học Pú Xi",
        "2.500.000 ₫",
        "Chăn ấm cho học sinh bán trú",
        "20/11/2026",
    ):
        assert expected in text, expected


def test_no_letter_before_the_gift_arrives_and_none_for_strangers(client, area):
    need = NeedFactory(school=area.school_a)
    pledge, _ = pledge_create(need=need, donor=DonorDetails(name="An", email="an@example.vn"), amount=1_000_000)
    url = reverse("donations:letter", args=[pledge.reference])
    assert client.get(url + f"?key={guest_key(pledge)}").status_code == 404
    pledge_receive(pledge=pledge, actor=area.staff_a, amount=1_000_000, received_on="2026-11-20")
    assert client.get(url).status_code == 404
    assert client.get(url + f"?key={guest_key(pledge)}").status_code == 200
