import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of a PDF with whitespace folded: line breaks are layout."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
