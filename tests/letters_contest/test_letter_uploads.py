"""A contest letter through the real entry form (letters_contest.uploads): PDFs stored
rewritten without what could run or hide, images re-encoded through the image guard, the
letter kept across a form error under the form's upload token, and the sensitive-data
section refused without its consent."""

import io
import re
from datetime import timedelta

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from letters_contest import tasks
from letters_contest.data.ethnic_groups import ETHNIC_GROUPS
from letters_contest.models import Entry, PendingLetter
from letters_contest.uploads import LETTER_MAX_BYTES
from tests.letters_contest.factories import ContestRoundFactory, EntryFactory
from tests.support.forms import entry_data
from tests.support.images import letter_photo, png_bomb


@pytest.fixture
def round_(area):
    """The province's round, open for entries today."""
    today = timezone.localdate()
    return ContestRoundFactory(
        edition__number=53,
        province=area.province,
        opens_on=today - timedelta(days=10),
        school_deadline=today + timedelta(days=30),
        delete_entries_on=today + timedelta(days=400),
    )


def post(client, round_, values, letter=None, token=None):
    data = dict(values)
    if letter is not None:
        data["letter_file"] = letter
    if token:
        data["upload_token"] = token
    return client.post(reverse("letters_contest:entry_create", args=[round_.pk]), data)


def token_of(response) -> str:
    return re.search(r'name="upload_token" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


def field_error(response, field) -> str:
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


# PDFs -------------------------------------------------------------------------------


def letter_pdf(pages=2) -> pikepdf.Pdf:
    """A letter of `pages` pages, each with its line of text."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for number in range(1, pages + 1):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td (Trang thu {number}) Tj ET".encode())
    return pdf


def as_upload(pdf: pikepdf.Pdf, name="thu-gui-tuong-lai.pdf") -> SimpleUploadedFile:
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def script(pdf, code):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code)))


def with_open_action(pdf):
    pdf.Root.OpenAction = script(pdf, "app.alert('mo-tep')")
    return b"mo-tep", lambda stored: "/OpenAction" not in stored.Root


def with_page_action(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=script(pdf, "app.alert('mo-trang')"))
    return b"mo-trang", lambda stored: all("/AA" not in page.obj for page in stored.pages)


def with_names_javascript(pdf):
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script(pdf, "var cay_ten = 1")]))
    )
    return b"cay_ten", lambda stored: "/JavaScript" not in stored.Root.get("/Names", {})


def with_embedded_file(pdf):
    pdf.attachments["chuong-trinh.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ tep dinh kem")
    return (
        b"MZ tep dinh kem",
        lambda stored: not stored.attachments and "/EmbeddedFiles" not in stored.Root.get("/Names", {}),
    )


def with_acroform(pdf):
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("o-nhap-lieu"),
            Rect=[0, 0, 100, 20],
        )
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([field])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    return (
        b"o-nhap-lieu",
        lambda stored: (
            "/AcroForm" not in stored.Root
            and not any(
                annot.get("/Subtype") == "/Widget" for page in stored.pages for annot in page.obj.get("/Annots", [])
            )
        ),
    )


def with_launch_action(pdf):
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 100, 20],
            A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
        )
    )
    pdf.pages[1].obj.Annots = pikepdf.Array([link])
    return (
        b"calc.exe",
        lambda stored: not any("/A" in annot for page in stored.pages for annot in page.obj.get("/Annots", [])),
    )


HOSTILE = [with_open_action, with_page_action, with_names_javascript, with_embedded_file, with_acroform]
HOSTILE.append(with_launch_action)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda f: f.__name__)
def test_a_pdf_letter_is_stored_without_what_could_run_or_hide(client, area, round_, hostile):
    pdf = letter_pdf(pages=2)
    marker, is_gone = hostile(pdf)
    upload = as_upload(pdf)
    assert marker in upload.read()
    upload.seek(0)
    client.force_login(area.staff_a)

    assert post(client, round_, entry_data(area), letter=upload).status_code == 302

    entry = Entry.objects.get()
    assert entry.letter_file.name.endswith(".pdf")
    with entry.letter_file.open("rb") as stored_file:
        stored_bytes = stored_file.read()
    with pikepdf.open(io.BytesIO(stored_bytes)) as stored:
        everything = io.BytesIO()
        stored.save(everything, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        assert marker not in everything.getvalue()
        assert is_gone(stored)
        # The letter itself is all there.
        assert len(stored.pages) == 2
        assert [b"(Trang thu %d)" % n in page.Contents.read_bytes() for n, page in enumerate(stored.pages, 1)] == [
            True,
            True,
        ]
    assert not PendingLetter.objects.exists()


def test_the_served_letter_says_what_it_is_and_is_shown_not_sniffed(client, area, round_):
    client.force_login(area.staff_a)
    post(client, round_, entry_data(area), letter=as_upload(letter_pdf()))
    entry = Entry.objects.get()

    response = client.get(reverse("letters_contest:entry_letter", args=[round_.pk, entry.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{entry.code}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def encrypted_pdf():
    out = io.BytesIO()
    letter_pdf().save(out, encryption=pikepdf.Encryption(owner="chu", user="doc", R=6))
    return SimpleUploadedFile("co-mat-khau.pdf", out.getvalue(), content_type="application/pdf")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("thu.pdf", b"<html><script>alert(1)</script></html>"),
            "Tệp này không phải là PDF.",
        ),
        (lambda: as_upload(letter_pdf(pages=11)), "Tệp PDF phải có từ 1 đến 10 trang."),
        (
            lambda: SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"0" * LETTER_MAX_BYTES),
            "Tệp PDF lớn hơn 10 MB.",
        ),
        (encrypted_pdf, "Tệp PDF có đặt mật khẩu: vui lòng gửi bản không có mật khẩu."),
        (lambda: SimpleUploadedFile("hong.pdf", b"%PDF-1.7\nkhong phai pdf"), "Không đọc được tệp PDF"),
    ],
    ids=["not-a-pdf-inside", "eleven-pages", "too-large", "encrypted", "damaged"],
)
def test_a_refused_pdf_says_why_at_the_field_and_stores_nothing(client, area, round_, upload, message):
    client.force_login(area.staff_a)

    response = post(client, round_, entry_data(area), letter=upload())

    assert response.status_code == 200
    assert message in field_error(response, "letter_file")
    assert not Entry.objects.exists() and not PendingLetter.objects.exists()


# Images -----------------------------------------------------------------------------


def photo_with_exif() -> SimpleUploadedFile:
    image = Image.new("RGB", (900, 1200), (250, 250, 240))
    exif = Image.Exif()
    exif[0x010F] = "DienThoaiCuaCo"  # Make
    exif[0x0131] = "PhanMemChup"  # Software
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("thu-chup.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_photographed_letter_is_stored_re_encoded_without_exif(client, area, round_):
    upload = photo_with_exif()
    assert b"DienThoaiCuaCo" in upload.read()
    upload.seek(0)
    client.force_login(area.staff_a)

    assert post(client, round_, entry_data(area), letter=upload).status_code == 302

    entry = Entry.objects.get()
    assert entry.letter_file.name.endswith(".jpg")
    with entry.letter_file.open("rb") as stored_file:
        data = stored_file.read()
    assert b"DienThoaiCuaCo" not in data and b"PhanMemChup" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and not stored.getexif()


def test_a_decompression_bomb_is_refused_at_the_field(client, area, round_):
    client.force_login(area.staff_a)

    response = post(client, round_, entry_data(area), letter=png_bomb("thu.png"))

    assert response.status_code == 200
    assert "“thu.png” cần 152 MB bộ nhớ để mở; giới hạn là 64 MB." in field_error(response, "letter_file")
    assert not Entry.objects.exists() and not PendingLetter.objects.exists()


def test_a_file_that_is_neither_pdf_nor_image_is_refused(client, area, round_):
    client.force_login(area.staff_a)
    upload = SimpleUploadedFile("thu.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")

    response = post(client, round_, entry_data(area), letter=upload)

    assert field_error(response, "letter_file")
    assert not Entry.objects.exists() and not PendingLetter.objects.exists()


# Kept across a form error -----------------------------------------------------------


def test_a_form_error_keeps_the_letter_and_the_next_post_registers_with_it(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")

    first = post(client, round_, values, letter=as_upload(letter_pdf(pages=3), name="thu-cua-mai.pdf"))

    assert first.status_code == 200
    assert "Bài dự thi cần có sự đồng ý" in field_error(first, "consent_given")
    html = first.content.decode()
    assert "Đã nhận thư: thu-cua-mai.pdf (3 trang)" in html
    waiting = PendingLetter.objects.get()
    assert waiting.uploaded_by == area.staff_a and waiting.kind == "pdf" and waiting.pages == 3
    token = token_of(first)
    assert str(waiting.upload_token) == token

    second = post(client, round_, entry_data(area), token=token)

    assert second.status_code == 302
    entry = Entry.objects.get()
    assert entry.letter_file.name == waiting.file.name
    with entry.letter_file.open("rb") as stored_file, pikepdf.open(io.BytesIO(stored_file.read())) as stored:
        assert len(stored.pages) == 3
    assert not PendingLetter.objects.exists()


def test_a_new_file_replaces_the_kept_one_and_its_file_is_deleted(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")
    first = post(client, round_, values, letter=as_upload(letter_pdf()))
    old = PendingLetter.objects.get()
    storage, old_name = old.file.storage, old.file.name

    second = post(client, round_, values, letter=letter_photo(), token=token_of(first))

    assert "Đã nhận thư: thu.jpg (ảnh)" in second.content.decode()
    new = PendingLetter.objects.get()
    assert new.kind == "image" and new.pk != old.pk
    assert not storage.exists(old_name) and storage.exists(new.file.name)


def test_a_refused_replacement_leaves_the_kept_letter(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")
    first = post(client, round_, values, letter=as_upload(letter_pdf()))

    second = post(client, round_, entry_data(area), letter=png_bomb("thu.png"), token=token_of(first))

    assert field_error(second, "letter_file")
    assert "Đã nhận thư: thu-gui-tuong-lai.pdf (2 trang)" in second.content.decode()
    assert PendingLetter.objects.count() == 1 and not Entry.objects.exists()


def test_another_users_token_finds_no_letter(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")
    token = token_of(post(client, round_, values, letter=as_upload(letter_pdf())))
    client.force_login(area.staff_b)

    response = post(client, round_, entry_data(area, school=area.school_b.pk), token=token)

    assert response.status_code == 200
    assert field_error(response, "letter_file")
    assert "Đã nhận thư" not in response.content.decode()
    assert not Entry.objects.exists()
    assert PendingLetter.objects.get().uploaded_by == area.staff_a


def test_a_made_up_token_is_replaced_by_a_new_one(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")

    response = post(client, round_, values, letter=as_upload(letter_pdf()), token="../../etc/passwd")

    assert re.fullmatch(r"[0-9a-f-]{36}", token_of(response))
    assert str(PendingLetter.objects.get().upload_token) == token_of(response)


def test_letters_nobody_registered_are_deleted_after_the_set_hours(client, area, round_, settings):
    settings.CONTEST_LETTER_PENDING_HOURS = 24
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")
    post(client, round_, values, letter=as_upload(letter_pdf()))
    post(client, round_, values, letter=letter_photo())
    old, fresh = PendingLetter.objects.order_by("pk")
    PendingLetter.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert tasks.delete_abandoned_letters() == {"done": 1, "failed": 0}

    assert list(PendingLetter.objects.all()) == [fresh]
    assert not old.file.storage.exists(old.file.name)
    assert fresh.file.storage.exists(fresh.file.name)


# Sensitive data ---------------------------------------------------------------------


def test_the_list_holds_the_54_recognised_ethnic_groups():
    assert len(ETHNIC_GROUPS) == 54 == len(set(ETHNIC_GROUPS))
    assert ETHNIC_GROUPS[:3] == ("Kinh", "Tày", "Thái") and ETHNIC_GROUPS[-1] == "Rơ Măm"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"ethnic_group": "Thái"}, "ethnic_group"),
        ({"has_disability": "on"}, "has_disability"),
        ({"sensitive_publish_consent": "on"}, "sensitive_publish_consent"),
    ],
)
def test_sensitive_data_is_refused_without_the_consent(client, area, round_, given, field):
    client.force_login(area.staff_a)

    response = post(client, round_, entry_data(area, **given), letter=letter_photo())

    assert "đồng ý" in field_error(response, field)
    assert not Entry.objects.exists()


def test_an_ethnic_group_outside_the_list_is_refused(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(area, sensitive_consent="on", ethnic_group="Người sao Hỏa")

    response = post(client, round_, values, letter=letter_photo())

    assert field_error(response, "ethnic_group")
    assert not Entry.objects.exists()


def test_sensitive_data_with_consent_is_recorded_and_shown_to_the_school(client, area, round_):
    client.force_login(area.staff_a)
    values = entry_data(
        area,
        sensitive_consent="on",
        ethnic_group="Mông",
        has_disability="on",
        sensitive_publish_consent="on",
        consent_keep_letter="on",
    )

    assert post(client, round_, values, letter=letter_photo()).status_code == 302

    entry = Entry.objects.get()
    assert entry.sensitive_consent and entry.ethnic_group == "Mông" and entry.has_disability
    assert entry.sensitive_publish_consent and entry.consent_keep_letter
    page = client.get(reverse("letters_contest:entry", args=[round_.pk, entry.pk])).content.decode()
    assert re.search(r"Mông</dd>", page)
    assert re.search(r"học sinh là người khuyết tật</dt><dd[^>]*>có</dd>", page)
    # Never in the entry's history (issue 19: what withdrawal erases stays erased).
    assert not hasattr(entry.history.model, "ethnic_group")


def test_the_form_explains_the_sensitive_section_in_vietnamese(client, area, round_):
    client.force_login(area.staff_a)

    page = client.get(reverse("letters_contest:entry_create", args=[round_.pk])).content.decode()

    assert "Luật Bảo vệ dữ liệu cá nhân" in page
    choices = re.search(r'<select name="ethnic_group".*?</select>', page, re.S).group(0)
    assert choices.count("<option") == 55  # "not recorded", then the 54 groups


# Letters stored before the gate ------------------------------------------------------


def test_the_command_rewrites_letters_stored_before_the_gate(area, round_):
    pdf = letter_pdf()
    _marker, is_gone = with_open_action(pdf)
    entry = EntryFactory(round=round_, school=area.school_a, letter_file=ContentFile(as_upload(pdf).read(), "a.pdf"))
    photo = EntryFactory(round=round_, school=area.school_a, letter_file=ContentFile(b"\xff\xd8 a photo", "b.jpg"))
    old_name = entry.letter_file.name
    out = io.StringIO()

    call_command("clean_contest_letters", stdout=out)

    assert out.getvalue().startswith("1 letters rewritten; 0 could not be")
    entry.refresh_from_db()
    assert entry.letter_file.name != old_name and not entry.letter_file.storage.exists(old_name)
    with entry.letter_file.open("rb") as stored_file, pikepdf.open(io.BytesIO(stored_file.read())) as stored:
        assert is_gone(stored) and len(stored.pages) == 2
    photo.refresh_from_db()
    assert photo.letter_file.name.endswith(".jpg")
    # It can run again: the letter stays whole and clean.
    call_command("clean_contest_letters", stdout=out)
    entry.refresh_from_db()
    with entry.letter_file.open("rb") as stored_file, pikepdf.open(io.BytesIO(stored_file.read())) as stored:
        assert is_gone(stored) and len(stored.pages) == 2
