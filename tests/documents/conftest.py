"""Fixtures of the documents tests: the two shapes of the map a document may be issued on,
and a throwaway PKI with a real PDF to sign.

The two shapes of the map a document may be issued on.

`reform` takes the `area` fixture (the old three-tier map: Tỉnh Điện Biên, huyện Tuần
Giáo and huyện Mường Ảng, a district office each and the province's department) and
applies the 1 July 2025 reform to it as load_units leaves it: the districts and old
communes abolished with their successors, new communes directly under the province, a
commune office (the Culture and Society division) and the commune People's Committee of
the new Xã Pú Xi, school A moved there. Bắc Giang merged into Bắc Ninh, each with its
information department, for the contest.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from weasyprint import HTML

from tests.schools.factories import CommuneFactory, OfficeFactory, ProvinceFactory
from tests.support.pki import ThrowawayCA

REFORM = date(2025, 7, 1)


@pytest.fixture
def reform(area):
    a = area
    for unit in (a.district_a, a.district_b, a.commune_a, a.commune_b):
        unit.abolished_on = REFORM
        unit.save()
    new = SimpleNamespace(area=a)
    new.pu_xi = CommuneFactory(parent=a.province, name="Xã Pú Xi", code="03269")
    new.tuan_giao = CommuneFactory(parent=a.province, name="Xã Tuần Giáo", code="03253")
    new.ang_to = CommuneFactory(parent=a.province, name="Xã Mường Ảng", code="03292")
    a.commune_a.successors.set([new.pu_xi])
    a.commune_b.successors.set([new.ang_to])
    a.district_a.successors.set([new.pu_xi, new.tuan_giao])
    a.district_b.successors.set([new.ang_to])
    a.school_a.commune = new.pu_xi
    a.school_a.save()
    new.commune_office = OfficeFactory(
        unit=new.pu_xi, kind="education_office", name="Phòng Văn hóa - Xã hội xã Pú Xi", code="vhxh-pu-xi"
    )
    new.commune_committee = OfficeFactory(
        unit=new.pu_xi, kind="peoples_committee", name="UBND xã Pú Xi", code="ubnd-pu-xi"
    )

    new.bac_giang = ProvinceFactory(name="Tỉnh Bắc Giang", code="24")
    new.bac_giang_information = OfficeFactory(
        unit=new.bac_giang, kind="information_department", name="Sở TT&TT Bắc Giang", code="stttt-bac-giang"
    )
    new.bac_giang.abolished_on = REFORM
    new.bac_giang.save()
    new.bac_ninh = ProvinceFactory(name="Tỉnh Bắc Ninh", code="24")
    new.bac_giang.successors.set([new.bac_ninh])
    new.bac_ninh_information = OfficeFactory(
        unit=new.bac_ninh, kind="information_department", name="Sở KH&CN Bắc Ninh", code="skhcn-bac-ninh"
    )
    return new


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Issued PDFs go to a folder of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path


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
