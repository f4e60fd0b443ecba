"""A question or an answer carries a file (a supplier's quote): a PDF rewritten without
scripts (core.pdfs) or a photo re-encoded (needs.images); served to the need's school
and officers only."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from needs.models import NeedEvent
from needs.services import need_transition
from tests.needs.factories import NeedFactory
from tests.support.images import jpeg

pytestmark = pytest.mark.django_db


def quote_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


@pytest.fixture
def asked(area):
    need = NeedFactory(school=area.school_a, status="submitted", items=[("Bồn", 1, "cái", 9_000_000)])
    need_transition(need=need, action="ask", actor=area.officer_a, note="Xin báo giá.")
    return need


def answer(client, need, upload, note="Báo giá đính kèm."):
    return client.post(reverse("needs:act", args=[need.pk, "answer"]), {"note": note, "attachment": upload})


def test_an_answer_carries_a_pdf_rewritten_without_its_script(client, area, asked):
    client.force_login(area.staff_a)
    upload = SimpleUploadedFile("bao-gia.pdf", quote_pdf(), content_type="application/pdf")

    response = answer(client, asked, upload)

    assert response.status_code == 302
    event = NeedEvent.objects.get(need=asked, kind=NeedEvent.Kind.ANSWER)
    assert event.attachment.name.startswith("private/need-events/") and event.attachment_is_pdf
    stored = event.attachment.read()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/OpenAction" not in pdf.Root and len(pdf.pages) == 1

    # The officer downloads it from the need's history; nobody else may.
    client.force_login(area.officer_a)
    page = client.get(asked.get_absolute_url()).content.decode()
    url = reverse("needs:event_attachment", args=[asked.pk, event.pk])
    assert url in page
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == stored
    client.force_login(area.staff_b)
    assert client.get(url).status_code == 404
    event.attachment.delete(save=False)


def test_an_answer_carries_a_photo_reencoded(client, area, asked):
    client.force_login(area.staff_a)
    answer(client, asked, SimpleUploadedFile("anh.jpg", jpeg(size=(640, 480)), content_type="image/jpeg"))
    event = NeedEvent.objects.get(need=asked, kind=NeedEvent.Kind.ANSWER)
    assert event.attachment.name.endswith(".jpg") and event.attachment.read()[:3] == b"\xff\xd8\xff"
    event.attachment.delete(save=False)


def test_a_file_that_is_neither_is_refused_with_the_reason_and_nothing_kept(client, area, asked):
    client.force_login(area.staff_a)
    response = answer(
        client, asked, SimpleUploadedFile("virus.pdf.exe", b"MZ\x90\x00 program", content_type="application/pdf")
    )
    assert response.status_code == 302
    assert not NeedEvent.objects.filter(need=asked, kind=NeedEvent.Kind.ANSWER).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and "ảnh" in messages[0].lower()
