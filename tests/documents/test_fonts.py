"""Every printed document is set in Liberation Serif 2.x, every Vietnamese letter and ₫
included: no glyph falls back to another face (issue 16)."""

import io
import unicodedata

from django.core.checks import run_checks
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from core.documents import html_to_pdf

# Every letter of Vietnamese, both cases, with each tone, and the đồng sign.
VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def vietnamese_letters() -> str:
    letters = {unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES}
    letters |= {"đ"}
    letters |= {letter.upper() for letter in letters}
    return "".join(sorted(letters)) + " ₫ 1.250.000 ₫"


def faces_of(pdf: bytes) -> set[tuple[str, str, str]]:
    """(family, style, major version) of every font program embedded in the PDF, read from the
    fonts' own name tables, not from the names the PDF gives them."""
    faces = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            names = program["name"]
            version = names.getDebugName(5).split(";")[0].removeprefix("Version ").split(".")[0]
            faces.add((names.getDebugName(1), names.getDebugName(2), version))
    return faces


def test_every_vietnamese_letter_and_the_dong_sign_come_from_liberation_serif_2():
    text = vietnamese_letters()
    assert len(text) == 2 * (len(VOWELS) * len(TONES) + 1) + len(" ₫ 1.250.000 ₫")

    pdf = html_to_pdf(
        "<html><body style=\"font-family: 'Liberation Serif', 'DejaVu Serif', serif\">"
        f"<p>{text}</p><p><b>{text}</b></p><p><i>{text}</i></p><p><b><i>{text}</i></b></p></body></html>"
    )

    # Four faces of one family, version 2, and nothing else: a glyph missing from the face
    # (as ư, ơ, ộ and ₫ are from 1.07) would bring in the face that filled it in.
    assert faces_of(pdf) == {("Liberation Serif", style, "2") for style in ("Regular", "Bold", "Italic", "Bold Italic")}
    assert text in " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split("\n"))


def test_a_missing_font_is_reported_by_the_system_checks(settings, tmp_path):
    settings.DOCUMENT_FONT_DIR = tmp_path
    assert [message.id for message in run_checks() if message.id == "core.W001"] == ["core.W001"]
    settings.DOCUMENT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
    assert not [message for message in run_checks() if message.id == "core.W001"]
