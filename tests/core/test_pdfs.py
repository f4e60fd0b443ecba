"""The PDF gate (core/pdfs.py): checked by content, rewritten without what could run."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.pdfs import PdfRefused, clean_pdf


def hostile_pdf(pages: int = 1) -> bytes:
    """A PDF with everything the gate must take out: an open action and a document
    script, a page action, a link that runs JavaScript, a form field, an embedded file."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = script
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script])),
    )
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not a program")
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, Rect=[0, 0, 10, 10]
        )
    )
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('x')")),
        )
    )
    safe = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.vn/")),
        )
    )
    page = pdf.pages[0]
    page.obj.Annots = pikepdf.Array([field, link, safe])
    page.obj.AA = pikepdf.Dictionary(O=script)
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    return plain(pdf)


def plain(pdf) -> bytes:
    """The PDF's bytes with nothing compressed, so its text can be searched."""
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def upload(data: bytes, name="bao-gia.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_it_rewrites_a_pdf_without_scripts_actions_files_or_forms():
    original = hostile_pdf()
    assert b"app.alert" in original and b"MZ not a program" in original

    cleaned = clean_pdf(upload(original))

    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        text = plain(pdf)
        assert b"app.alert" not in text and b"launchURL" not in text and b"MZ not a program" not in text
        assert len(pdf.pages) == 1
        assert "/OpenAction" not in pdf.Root and "/AcroForm" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and not pdf.attachments
        page = pdf.pages[0].obj
        assert "/AA" not in page
        annots = list(page.Annots)
        # The form field is gone; the script link lost its action; the web link is kept.
        assert [str(a.Subtype) for a in annots] == ["/Link", "/Link"]
        assert "/A" not in annots[0] and str(annots[1].A.URI) == "https://example.vn/"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a not a pdf", "không phải là PDF"),
        (b"%PDF-1.7\n garbage that is no document", "Không đọc được"),
    ],
)
def test_it_refuses_what_is_not_a_readable_pdf(data, reason):
    with pytest.raises(PdfRefused) as refused:
        clean_pdf(upload(data))
    assert reason in refused.value.message


def test_it_refuses_too_many_pages_and_too_many_bytes():
    with pytest.raises(PdfRefused) as refused:
        clean_pdf(upload(hostile_pdf(pages=3)), max_pages=2)
    assert "từ 1 đến 2 trang" in refused.value.message
    with pytest.raises(PdfRefused) as refused:
        clean_pdf(upload(hostile_pdf()), max_bytes=200)
    assert "lớn hơn" in refused.value.message


def test_it_refuses_an_encrypted_pdf():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(PdfRefused) as refused:
        clean_pdf(upload(out.getvalue()))
    assert "mật khẩu" in refused.value.message
