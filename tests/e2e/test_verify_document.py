"""Anyone checks a downloaded, signed document on the public page, on a laptop (1366 px)
and a phone (390 px)."""

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from tests.support.browser import new_page, screenshot
from tests.support.pki import ThrowawayCA, sign_as_office

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


@pytest.fixture
def documents(settings, tmp_path):
    ca = ThrowawayCA()
    root = tmp_path / "root.pem"
    root.write_bytes(ca.pem())
    settings.SIGNATURE_TRUST_ROOTS = [str(root)]
    pdf = HTML(string="<p>Quyết định phân bổ quà tặng cho Trường PTDTBT Tiểu học Pú Xi.</p>").write_pdf()
    signed = sign_as_office(
        pdf,
        ca.issue("Nguyễn Văn An", "Phòng GD&ĐT Tuần Giáo"),
        ca.issue("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", "Phòng GD&ĐT Tuần Giáo"),
    )
    at = signed.index(b"WeasyPrint")
    return {"signed": signed, "tampered": signed[:at] + b"X" + signed[at + 1 :]}


def check(page, content: bytes, name: str = "quyet-dinh.pdf"):
    page.goto(page.base_url + "/documents/verify/")
    page.set_input_files("#id_document", files=[{"name": name, "mimeType": "application/pdf", "buffer": content}])
    page.get_by_role("button", name="Kiểm tra chữ ký").click()
    page.wait_for_load_state()


def fits_the_screen(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("device", "label"), [(LAPTOP, "1366"), (PHONE, "390")])
def test_a_signed_document_reads_as_intact_and_trusted(browser, live_server, documents, device, label):
    page = new_page(browser, live_server.url, device)
    try:
        page.goto(page.base_url + "/")
        page.get_by_role("link", name="Kiểm tra văn bản đã ký").click()
        expect(page.get_by_role("heading", name="Kiểm tra văn bản đã ký")).to_be_visible()
        check(page, documents["signed"])
        expect(page.get_by_text("Cả 2 chữ ký đều hợp lệ")).to_be_visible()
        expect(page.get_by_role("heading", name="Chữ ký 1: Nguyễn Văn An")).to_be_visible()
        expect(page.get_by_role("heading", name="Chữ ký 2: Phòng Giáo dục và Đào tạo huyện Tuần Giáo")).to_be_visible()
        expect(page.locator(".badge", has_text="Nguyên vẹn")).to_have_count(2)
        expect(page.locator(".badge", has_text="Tin cậy")).to_have_count(2)
        fits_the_screen(page)
        screenshot(page, f"verify-signed-{label}")

        check(page, documents["tampered"])
        expect(page.get_by_text("Không nên tin cậy văn bản này")).to_be_visible()
        expect(page.locator(".badge", has_text="Bị hỏng")).to_have_count(2)
        expect(page.locator(".badge", has_text="Tin cậy")).to_have_count(2)
        fits_the_screen(page)
        screenshot(page, f"verify-tampered-{label}")

        check(page, b"not a pdf at all", name="anh.png")
        expect(page.locator("#id_document_error")).to_contain_text("Tệp này không phải PDF")
        screenshot(page, f"verify-not-pdf-{label}")
    finally:
        page.context.close()
