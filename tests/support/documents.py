import io
from dataclasses import dataclass
from functools import cache

from PIL import ImageFont
from pypdf import PdfReader

# The right column of every document's header, as its text reads.
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"

FONT_DIR = "/usr/share/fonts/truetype/liberation2"
MM = 72 / 25.4  # PDF points in a millimetre


def blank_pdf(pages: int = 1) -> bytes:
    """A PDF of A4 blank pages, as a scanner writes one (pikepdf)."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_text(content: bytes) -> str:
    """The text of a PDF with whitespace folded: line breaks are layout."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@dataclass(frozen=True)
class Run:
    """A line of text as drawn on a page: where it starts (PDF points from the page's
    bottom-left corner, on the baseline), its size in points and its face."""

    text: str
    x: float
    y: float
    size: float
    font: str  # the PDF's name of the face: "ABCDEF+Liberation-Serif-Bold-Italic"

    @property
    def bold(self) -> bool:
        return "Bold" in self.font

    @property
    def italic(self) -> bool:
        return "Italic" in self.font

    @property
    def width(self) -> float:
        """The run's width, measured with the face it is drawn in."""
        style = ("Bold" if self.bold else "") + ("Italic" if self.italic else "")
        return _face(style or "Regular", round(self.size * 10)).getlength(self.text) / 10

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@cache
def _face(style: str, tenths_of_a_point: int):
    return ImageFont.truetype(f"{FONT_DIR}/LiberationSerif-{style}.ttf", tenths_of_a_point)


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return " ".join(run.text for run in self.runs)

    def find(self, text: str) -> Run:
        """The one run that reads `text`."""
        found = [run for run in self.runs if run.text == text]
        assert len(found) == 1, (text, [run.text for run in self.runs])
        return found[0]

    def lines(self, text: str) -> list[Run]:
        """The consecutive runs that together read `text` (a name wrapped over lines)."""
        for start in range(len(self.runs)):
            for end in range(start + 1, len(self.runs) + 1):
                joined = " ".join(run.text for run in self.runs[start:end])
                if joined == text:
                    return list(self.runs[start:end])
                if not text.startswith(joined):
                    break
        raise AssertionError((text, [run.text for run in self.runs]))


def pages_of(content: bytes) -> list[Page]:
    """Every page's runs of text, in the order they are drawn."""
    pages = []
    for page in PdfReader(io.BytesIO(content)).pages:
        runs = []

        def visit(text, cm, tm, font, size, runs=runs):
            text = " ".join(text.replace("\u00a0", " ").split())
            if not text:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[0] * cm[0] + tm[1] * cm[2]) or 1
            runs.append(Run(text, x, y, round(size * scale, 2), str(font["/BaseFont"])))

        page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append(Page(float(box.width), float(box.height), tuple(runs)))
    return pages
