"""Signers (documents/signers.py): the lines of the signature block for each kind of
issuing body and each authority, exactly as Decree 30/2020/NĐ-CP writes them; the
combinations refused with their reason next to the field; the signers' page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import services
from documents.issuers import issuer_of_office, issuer_of_school
from documents.models import Signer
from tests.documents.factories import SignerFactory
from tests.schools.factories import MembershipFactory, OfficeFactory

A = Signer.Authority
ON = date(2026, 2, 20)


@pytest.fixture
def committee(area):
    return OfficeFactory(unit=area.district_a, kind="peoples_committee", name="UBND huyện Tuần Giáo")


def lines(issuer, authority, title="", name="Lò Văn Minh"):
    signed = issuer.with_signer(Signer(authority=authority, title=title, full_name=name))
    return signed.signature_lines, signed.signer_name


@pytest.mark.parametrize(
    ("authority", "title", "expected"),
    [
        (A.COLLECTIVE_HEAD, "", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
        (A.COLLECTIVE_DEPUTY, "Phó Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
        (A.HEAD, "", ("CHỦ TỊCH",)),
        (A.DEPUTY, "PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
        (A.DELEGATED, "CHÁNH VĂN PHÒNG", ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    ],
)
def test_a_peoples_committee_signs_on_behalf_of_itself(committee, authority, title, expected):
    issuer = issuer_of_office(committee, on=ON)
    assert lines(issuer, authority, title) == (expected, "Lò Văn Minh")


@pytest.mark.parametrize(
    ("authority", "title", "expected"),
    [
        (A.HEAD, "", ("GIÁM ĐỐC",)),
        (A.DEPUTY, "PHÓ GIÁM ĐỐC", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
        (A.ACTING, "", ("Q. GIÁM ĐỐC",)),
        (A.DELEGATED, "chánh  văn phòng", ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")),
        (A.AUTHORISED, "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH", ("TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH")),
    ],
)
def test_a_department_signs_as_its_director_never_on_behalf_of_a_collective(area, authority, title, expected):
    issuer = issuer_of_office(area.office_province, on=ON)
    assert lines(issuer, authority, title) == (expected, "Lò Văn Minh")


@pytest.mark.parametrize(
    ("authority", "title", "expected"),
    [
        (A.HEAD, "", ("TRƯỞNG PHÒNG",)),
        (A.DEPUTY, "PHÓ TRƯỞNG PHÒNG", ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")),
        (A.ACTING, "", ("Q. TRƯỞNG PHÒNG",)),
    ],
)
def test_a_phong_signs_as_its_head(area, authority, title, expected):
    issuer = issuer_of_office(area.office_a, on=ON)
    assert lines(issuer, authority, title) == (expected, "Lò Văn Minh")


def test_a_school_signs_as_its_principal_with_the_name(area):
    issuer = issuer_of_school(area.school_a, on=ON)
    assert lines(issuer, A.HEAD, name="Quàng Thị Hoa") == (("HIỆU TRƯỞNG",), "Quàng Thị Hoa")
    assert lines(issuer, A.DEPUTY, "Phó Hiệu trưởng") == (("KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"), "Lò Văn Minh")


def test_without_a_signer_the_issuer_reads_as_before(committee, area):
    assert issuer_of_office(committee, on=ON).signature_lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert issuer_of_office(area.office_province, on=ON).signature_lines == ("GIÁM ĐỐC",)


@pytest.mark.parametrize(
    ("body", "authority", "title", "field", "words"),
    [
        ("office_province", A.COLLECTIVE_HEAD, "", "authority", "TM."),
        ("office_province", A.COLLECTIVE_DEPUTY, "PHÓ GIÁM ĐỐC", "authority", "TM."),
        ("office_a", A.COLLECTIVE_HEAD, "", "authority", "TM."),
        ("school_a", A.COLLECTIVE_HEAD, "", "authority", "TM."),
        ("office_province", A.DEPUTY, "", "title", "KT. GIÁM ĐỐC"),
        ("office_province", A.DELEGATED, " ", "title", "TL. GIÁM ĐỐC"),
        ("office_province", A.AUTHORISED, "", "title", "TUQ. GIÁM ĐỐC"),
        ("office_province", A.DEPUTY, "Giám đốc", "title", "không phải chức vụ của người đứng đầu"),
        ("school_a", A.DEPUTY, "", "title", "KT. HIỆU TRƯỞNG"),
    ],
)
def test_a_combination_decree_30_does_not_know_is_refused_with_its_reason(area, body, authority, title, field, words):
    body = getattr(area, body)
    signer = Signer(**{"office" if hasattr(body, "kind") else "school": body}, authority=authority, title=title,
                    full_name="Lò Văn Minh")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.signer_save(signer=signer, user=area.officer_a)
    assert list(refused.value.message_dict) == [field]
    assert words in refused.value.message_dict[field][0]
    assert not Signer.objects.exists()
    issuer = issuer_of_office(body, on=ON) if hasattr(body, "kind") else issuer_of_school(body, on=ON)
    with pytest.raises(ValueError):
        issuer.with_signer(signer)


def test_a_committee_vice_chair_for_the_collective_is_accepted(committee, area):
    signer = services.signer_save(
        signer=Signer(
            office=committee, authority=A.COLLECTIVE_DEPUTY, title="phó chủ tịch", full_name=" Lò  Văn Minh "
        ),
        user=area.officer_a,
    )
    signer.refresh_from_db()
    assert (signer.full_name, signer.title) == ("Lò Văn Minh", "PHÓ CHỦ TỊCH")
    assert [(row.history_type, row.history_user) for row in signer.history.all()] == [("+", area.officer_a)]


# --- The page ----------------------------------------------------------------------------


def test_an_officer_adds_edits_and_deactivates_the_offices_signers(client, area):
    client.force_login(area.officer_province)
    url = reverse("documents:signers", args=["office", area.office_province.pk])
    response = client.post(url, {"full_name": "Lò Văn Minh", "title": "Phó Giám đốc", "authority": "kt"})
    assert response.status_code == 302 and response.url == url
    signer = Signer.objects.get()
    assert (signer.office, signer.title, signer.authority, signer.is_active) == (
        area.office_province, "PHÓ GIÁM ĐỐC", "kt", True)  # fmt: skip

    page = client.get(url).content.decode()
    assert "Lò Văn Minh" in page and "KT. GIÁM ĐỐC" in page and "PHÓ GIÁM ĐỐC" in page

    edit = reverse("documents:signer_edit", args=[signer.pk])
    client.post(edit, {"full_name": "Lò Văn Minh", "title": "", "authority": "q"})
    client.post(reverse("documents:signer_active", args=[signer.pk]), {"active": "0"})
    signer.refresh_from_db()
    assert (signer.authority, signer.title, signer.is_active) == ("q", "", False)
    assert [row.history_user for row in signer.history.all()] == [area.officer_province] * 3


def test_a_refused_combination_is_said_next_to_its_field(client, area):
    client.force_login(area.officer_province)
    url = reverse("documents:signers", args=["office", area.office_province.pk])
    response = client.post(url, {"full_name": "Lò Văn Minh", "title": "", "authority": "tm"})
    assert response.status_code == 200 and not Signer.objects.exists()
    form = response.context["form"]
    assert set(form.errors) == {"authority"}
    page = response.content.decode()
    assert 'id="id_authority_error"' in page and "TM." in page

    response = client.post(url, {"full_name": "Lò Văn Minh", "title": "", "authority": "kt"})
    assert set(response.context["form"].errors) == {"title"}


def test_the_principal_keeps_the_schools_signers_and_the_linked_account_is_the_schools(client, area):
    client.force_login(area.staff_a)
    url = reverse("documents:signers", args=["school", area.school_a.pk])
    outsider = MembershipFactory(role="school_staff", school=area.school_b).user
    response = client.post(url, {"full_name": "Quàng Thị Hoa", "authority": "head", "user": outsider.pk})
    assert set(response.context["form"].errors) == {"user"}
    client.post(url, {"full_name": "Quàng Thị Hoa", "authority": "head", "user": area.staff_a.pk})
    signer = Signer.objects.get()
    assert (signer.school, signer.user) == (area.school_a, area.staff_a)


def test_an_officer_of_another_office_keeps_no_signers_of_this_one(client, area):
    SignerFactory(office=area.office_province)
    client.force_login(area.officer_a)  # a district officer: below the department, not of it
    assert client.get(reverse("documents:signers", args=["office", area.office_province.pk])).status_code == 403
    signer = Signer.objects.get()
    assert client.post(reverse("documents:signer_active", args=[signer.pk]), {"active": "0"}).status_code == 403
    signer.refresh_from_db()
    assert signer.is_active
