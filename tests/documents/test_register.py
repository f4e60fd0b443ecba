"""The document register: the next number of the body's register for the year, once, never
twice even under concurrent issuing; the register page and its Excel export."""

import datetime
import io
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from openpyxl import load_workbook

from documents.models import DocumentKind, IssuedDocument, Register
from documents.services import attach_pdf, register_document

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def issue(area, title="Kế hoạch tổ chức Ngày hội", *, office=None, school=None, on=DAY, kind=DocumentKind.PLAN):
    body = {"school": school} if school is not None else {"office": office or area.office_a}
    return register_document(kind=kind, body_symbol="UBND", title=title, issued_on=on, user=area.officer_a, **body)


def test_numbers_follow_each_other_per_body_and_year_with_their_symbol(area):
    first = issue(area)
    second = issue(area, "Báo cáo sơ kết", kind=DocumentKind.REPORT)
    other_body = issue(area, office=area.office_b)
    next_year = issue(area, on=datetime.date(2027, 1, 1))
    school = issue(area, school=area.school_a)

    assert (first.number, second.number, other_body.number, next_year.number, school.number) == (1, 2, 1, 1, 1)
    # Decree 30: numbers below ten with a leading zero, then the kind's and the body's abbreviations.
    assert first.number_text == "01/KH-UBND"
    assert second.number_text == "02/BC-UBND"
    assert Register.objects.get(office=area.office_a, year=2026).last_number == 2
    assert first.history.get().history_user == area.officer_a


def test_a_number_is_never_given_back(area):
    issue(area)
    second = issue(area)
    # Even a document removed by hand from the database leaves its number taken.
    IssuedDocument.objects.filter(pk=second.pk).delete()
    assert issue(area).number == 3


def test_a_document_comes_from_exactly_one_body(area):
    with pytest.raises(ValueError):
        register_document(
            kind="KH",
            body_symbol="UBND",
            title="x",
            issued_on=DAY,
            user=None,
            office=area.office_a,
            school=area.school_a,
        )
    with pytest.raises(ValueError):
        register_document(kind="XX", body_symbol="UBND", title="x", issued_on=DAY, user=None, office=area.office_a)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
def test_concurrent_issuing_never_gives_one_number_twice(area):
    """Eight officers issue at the same instant, each on a connection of their own, into a
    register that does not exist yet: eight documents, numbers 1 to 8."""
    barrier = threading.Barrier(8)
    numbers, errors = [], []

    def issue_one(index):
        try:
            barrier.wait()
            document = register_document(
                kind="BC", body_symbol="UBND", title=f"Báo cáo {index}", issued_on=DAY, user=None, office=area.office_b
            )
            numbers.append(document.number)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue_one, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    assert Register.objects.filter(office=area.office_b).count() == 1
    assert Register.objects.get(office=area.office_b).last_number == 8


def test_the_issued_pdf_is_kept_and_replaced_by_its_signed_copy(area, settings, django_capture_on_commit_callbacks):
    document = register_document(
        kind="KH",
        body_symbol="UBND",
        title="x",
        issued_on=DAY,
        user=area.officer_a,
        office=area.office_a,
        pdf=b"%PDF-1 a",
    )
    first = document.pdf.name
    assert first.startswith("documents/issued/2026/") and document.pdf.read() == b"%PDF-1 a"
    with django_capture_on_commit_callbacks(execute=True):
        attach_pdf(document=document, pdf=b"%PDF-1 signed", user=area.officer_a)
    document.refresh_from_db()
    assert document.pdf.read() == b"%PDF-1 signed"
    assert not (settings.MEDIA_ROOT / first).exists()


def test_the_register_page_lists_the_year_and_exports_it(client, area, django_assert_num_queries):
    issue(area, "Kế hoạch Ngày hội")
    issue(area, "Báo cáo tổng kết", kind=DocumentKind.REPORT)
    issue(area, "Kế hoạch năm sau", on=datetime.date(2027, 2, 1))
    client.force_login(area.officer_a)
    url = reverse("documents:register", args=["office", area.office_a.pk])

    with django_assert_num_queries(6):
        page = client.get(url, {"year": "2026"}).content.decode()
    assert "01/KH-UBND" in page and "02/BC-UBND" in page and "Kế hoạch năm sau" not in page
    assert "02/03/2026" in page

    export = client.get(url, {"year": "2026", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in rows[1:]] == ["01/KH-UBND", "02/BC-UBND"]
    assert rows[1][1] == "02/03/2026" and rows[2][3] == "Báo cáo tổng kết"

    # A year with nothing: the latest year the register has is shown instead of an error.
    assert "Kế hoạch năm sau" in client.get(url, {"year": "abc"}).content.decode()


def test_who_may_read_a_register(client, area):
    issue(area, office=area.office_a)
    url = reverse("documents:register", args=["office", area.office_a.pk])
    expected = {
        "officer_a": 200,
        "officer_province": 200,  # the department reads its area's registers
        "officer_b": 403,
        "staff_a": 403,
        "outsider": 404,
    }
    for name, status in expected.items():
        client.force_login(getattr(area, name))
        assert client.get(url).status_code == status, name
    client.logout()
    assert client.get(url).status_code == 302  # to sign in

    school_url = reverse("documents:register", args=["school", area.school_a.pk])
    for name, status in {"staff_a": 200, "officer_a": 200, "staff_b": 403, "officer_b": 403}.items():
        client.force_login(getattr(area, name))
        assert client.get(school_url).status_code == status, name
    client.force_login(area.officer_a)
    assert client.get(reverse("documents:register", args=["person", 1])).status_code == 404


def test_the_issued_pdf_is_downloaded_by_those_who_read_the_register(client, area):
    document = register_document(
        kind="KH",
        body_symbol="UBND",
        title="x",
        issued_on=DAY,
        user=area.officer_a,
        office=area.office_a,
        pdf=b"%PDF-1 a",
    )
    url = reverse("documents:issued_pdf", args=[document.pk])
    client.force_login(area.officer_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1 a"
    assert 'filename="01-KH-UBND.pdf"' in response["Content-Disposition"]
    client.force_login(area.officer_b)
    assert client.get(url).status_code == 403
    client.force_login(area.outsider)
    assert client.get(url).status_code == 404


def test_the_registers_page_lists_the_users_bodies(client, area):
    client.force_login(area.officer_a)
    page = client.get(reverse("documents:registers")).content.decode()
    assert "Phòng GD&amp;ĐT Tuần Giáo" in page and "Mường Ảng" not in page
