import io

from pypdf import PdfReader

# The right column of every document's header, as its text reads.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"


def pdf_text(content: bytes) -> str:
    """The text of a PDF with whitespace folded: line breaks are layout."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
