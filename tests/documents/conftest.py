import pytest
from weasyprint import HTML

from tests.support.pki import ThrowawayCA

DOCUMENT_HTML = """<html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm }
body { font-family: "DejaVu Serif"; font-size: 13pt }
</style></head><body>
<p style="text-align:center"><b>QUYẾT ĐỊNH</b><br>Về việc phân bổ quà tặng cho các điểm trường</p>
<p>Trưởng phòng Giáo dục và Đào tạo huyện Tuần Giáo quyết định phân bổ 120 bộ sách giáo khoa
cho Trường PTDTBT Tiểu học Pú Xi.</p>
<p style="margin-left:55%;text-align:center"><b>TRƯỞNG PHÒNG</b><br><br><br><br><br><b>Nguyễn Văn An</b></p>
</body></html>"""


@pytest.fixture(scope="session")
def pki():
    """A throwaway CA and the two certificates it issues: the signer's and the office's."""
    ca = ThrowawayCA()
    return {
        "ca": ca,
        "person": ca.issue("Nguyễn Văn An", "Phòng GD&ĐT Tuần Giáo"),
        "organisation": ca.issue("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", "Phòng GD&ĐT Tuần Giáo"),
    }


@pytest.fixture(scope="session")
def document_pdf() -> bytes:
    """A real one-page decision, rendered by WeasyPrint, with Vietnamese text."""
    return HTML(string=DOCUMENT_HTML).write_pdf()


@pytest.fixture
def trusted_ca(pki, settings, tmp_path):
    """The throwaway CA as the server's one trust root."""
    root = tmp_path / "root.pem"
    root.write_bytes(pki["ca"].pem())
    settings.SIGNATURE_TRUST_ROOTS = [str(root)]
    return pki["ca"]
