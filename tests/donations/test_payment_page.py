"""The pledge page built for paying from a phone (issue 20, point 2): the VietQR picture
to save, the values to copy, the steps; a gift of goods told how to hand them over, never
to make a transfer; cancelling only after a second step."""

import io

import cv2
import numpy
from django.core import mail
from django.urls import reverse
from PIL import Image

from donations import vietqr
from donations.models import Pledge
from donations.permissions import guest_key
from tests.support.confirm import asks_to_confirm
from tests.support.forms import give


def _png_url(pledge, key=""):
    url = reverse("donations:vietqr_png", args=[pledge.reference])
    return f"{url}?key={key}" if key else url


def test_it_serves_the_code_as_a_picture_banking_apps_read(client, need):
    give(client, need)
    pledge = Pledge.objects.get()
    response = client.get(_png_url(pledge, guest_key(pledge)))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="vietqr-{pledge.reference}.png"'
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content)).convert("L")
    assert image.width == image.height >= vietqr.PNG_MIN_PIXELS
    # The code decodes back to the pledge's payload: bank, account, amount, reference.
    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(numpy.array(image))
    transfer = vietqr.Transfer(
        bank_bin="970405", account_number="8800211223344", amount=2_000_000, reference=pledge.reference
    )
    assert text == vietqr.payload(transfer)
    # A quiet zone of four modules all round: the top-left finder pattern is 7 modules wide.
    dark = numpy.array(image) < 128
    rows, cols = numpy.nonzero(dark)
    finder = 0
    while dark[rows.min(), cols.min() + finder]:
        finder += 1
    module = finder // 7
    assert finder == 7 * module and module >= 8
    margins = {rows.min(), cols.min(), image.height - 1 - rows.max(), image.width - 1 - cols.max()}
    assert margins == {vietqr.PNG_QUIET_ZONE * module}


def test_the_picture_is_for_those_who_see_the_pledge_and_only_while_a_transfer_is_awaited(client, need, area):
    give(client, need)
    pledge = Pledge.objects.get()
    assert client.get(_png_url(pledge)).status_code == 404  # a guest's gift is theirs by its link only
    assert client.get(_png_url(pledge, "forged")).status_code == 404
    client.force_login(area.staff_b)
    assert client.get(_png_url(pledge)).status_code == 404
    client.force_login(area.staff_a)  # the school sees the pledge's page, so its code too
    assert client.get(_png_url(pledge)).status_code == 200
    client.post(
        reverse("donations:receive", args=[pledge.reference]), {"amount": "2.000.000", "received_on": "01/12/2026"}
    )
    pledge.refresh_from_db()
    assert pledge.is_received
    assert client.get(_png_url(pledge)).status_code == 404  # nothing left to transfer


def test_the_page_gives_the_values_to_copy_the_bank_the_steps_and_cancel_last(client, need):
    response = give(client, need)
    pledge = Pledge.objects.get()
    html = client.get(response.url).content.decode()

    assert 'data-testid="pay-bank">Agribank Tuần Giáo<' in html
    assert 'data-copy="8800211223344"' in html
    assert 'data-copy="2000000"' in html  # the amount as a banking app wants it typed
    assert f'data-copy="{pledge.reference}"' in html
    assert 'id="pay-amount">2.000.000\u00a0₫<' in html  # shown the Vietnamese way
    assert f'href="{_png_url(pledge, guest_key(pledge))}"' in html
    assert "Lưu ảnh QR" in html and "Mở ứng dụng ngân hàng" in html
    assert "js/payment.js" in html
    # The buttons wait for the script: without it the values are plain text to select.
    assert html.count("copy-button") == 3 and html.count(" hidden>") >= 3
    # The cancel button comes after the payment box, as a secondary action.
    assert html.index('data-testid="pay-box"') < html.index('data-testid="cancel-pledge"')
    assert "btn-outline-danger" not in html[html.index('data-testid="cancel-pledge"') :]


def test_a_gift_of_goods_is_told_how_to_hand_them_over_not_to_transfer(
    client, need, area, django_capture_on_commit_callbacks
):
    school = area.school_a
    school.address = "Bản Hua Sát"
    school.focal_point_name = "Lò Văn Minh"
    school.focal_point_phone = "0912000111"
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = give(client, need, kind="goods", goods_description="40 chiếc chăn ấm", amount="2000000")
    pledge = Pledge.objects.get()
    assert pledge.kind == Pledge.Kind.GOODS
    html = client.get(response.url).content.decode()

    assert 'data-testid="goods-box"' in html and 'data-testid="pay-box"' not in html
    assert "Cách trao hiện vật" in html and "không cần chuyển khoản" in html
    assert "40 chiếc chăn ấm" in html and pledge.reference in html
    assert "Bản Hua Sát" in html and school.commune.name in html
    assert "Lò Văn Minh" in html and 'href="tel:0912000111"' in html
    assert "<svg" not in html and "Số tài khoản" not in html
    assert client.get(_png_url(pledge, guest_key(pledge))).status_code == 404
    # Its e-mail does not ask for a transfer or a scan either.
    body = mail.outbox[0].body
    assert "8800211223344" not in body and "VietQR" not in body
    assert "Bản Hua Sát" in body


def test_cancelling_asks_first_then_cancels(client, need):
    give(client, need)
    pledge = Pledge.objects.get()
    key = guest_key(pledge)
    cancel = reverse("donations:cancel", args=[pledge.reference])
    page = asks_to_confirm(client, cancel, {"key": key})
    html = page.content.decode()
    assert f'href="{reverse("donations:detail", args=[pledge.reference])}?key={key}"' in html  # "Quay lại"
    assert "2.000.000\u00a0₫" in html
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PLEDGED
    need.refresh_from_db()
    assert need.amount_pledged == 2_000_000

    response = client.post(cancel, {"key": key, "confirmed": "yes"})

    assert response.status_code == 302
    pledge.refresh_from_db()
    need.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED and need.amount_pledged == 0
