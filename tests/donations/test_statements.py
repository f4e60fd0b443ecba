import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from donations import statements
from donations.models import Pledge, StatementImport, StatementLine


def statement_csv(first, second, third, outside):
    lines = [
        "Ngày giao dịch;Số tiền ghi có;Nội dung;Mã giao dịch",
        f"20/11/2026;2.000.000;CK ung ho {first.reference} chan am;FT2611001",
        f"20/11/2026;1.500.000;{second.reference.lower()} tu thien;FT2611002",
        f"21/11/2026;2.000.000;CK ung ho {first.reference} chan am;FT2611001",  # same transaction again
        "21/11/2026;750.000;Ung ho truong vung cao;FT2611003",  # no reference
        f"21/11/2026;300.000;{third.reference} va {second.reference};FT2611004",  # two references
        f"22/11/2026;900.000;{third.reference};FT2611005",  # amount differs
        f"22/11/2026;1.000.000;{outside.reference};FT2611006",  # another district's pledge
        "hôm qua;abc;{first.reference};FT2611007",  # unreadable date and amount
    ]
    return "\n".join(lines).encode("utf-8")


def upload(client, name, data):
    return client.post(reverse("donations:statements"), {"file": SimpleUploadedFile(name, data)})


def test_preview_sorts_every_row_and_changes_nothing(client, area, pledges):
    client.force_login(area.officer_a)

    response = upload(client, "saoke-112026.csv", statement_csv(*pledges))

    statement = StatementImport.objects.get()
    assert response.url == reverse("donations:statement", args=[statement.pk])
    groups = statement.rows_by_outcome()
    assert [r["reference"] for r in groups["matched"]] == [pledges[0].reference, pledges[1].reference]
    assert [r["line"] for r in groups["duplicate"]] == [4]
    assert [r["line"] for r in groups["unmatched"]] == [5, 8]
    assert [r["line"] for r in groups["ambiguous"]] == [6, 7]
    assert [r["line"] for r in groups["malformed"]] == [9]
    assert not Pledge.objects.filter(status="received").exists()
    page = client.get(response.url).content.decode()
    assert 'id="count-matched">2<' in page
    assert "20/11/2026" in page


def test_confirming_imports_exactly_the_matched_rows_once(client, area, pledges):
    first, second, third, outside = pledges
    client.force_login(area.officer_a)
    upload(client, "saoke.csv", statement_csv(*pledges))
    statement = StatementImport.objects.get()

    client.post(reverse("donations:statement", args=[statement.pk]))
    client.post(reverse("donations:statement", args=[statement.pk]))  # a second click changes nothing

    statuses = {p.reference: Pledge.objects.get(pk=p.pk).status for p in pledges}
    assert statuses == {
        first.reference: "received",
        second.reference: "received",
        third.reference: "pledged",
        outside.reference: "pledged",
    }
    assert Pledge.objects.get(pk=first.pk).received_on.isoformat() == "2026-11-20"
    assert set(StatementLine.objects.values_list("transaction", flat=True)) == {"FT2611001", "FT2611002"}

    # The same statement uploaded again: everything already seen is a duplicate.
    upload(client, "saoke-lan-2.csv", statement_csv(*pledges))
    again = StatementImport.objects.order_by("-pk").first().rows_by_outcome()
    assert again["matched"] == []
    assert {r["transaction"] for r in again["duplicate"]} >= {"FT2611001", "FT2611002"}


def test_an_excel_statement_is_read_too(client, area, pledges):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SAO KÊ TÀI KHOẢN"])
    sheet.append(["Ngày", "Số tiền", "Diễn giải", "Số bút toán"])
    sheet.append(["20/11/2026", 2000000, f"Ung ho {pledges[0].reference}", "BT-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(area.officer_a)

    upload(client, "saoke.xlsx", buffer.getvalue())

    assert [r["reference"] for r in StatementImport.objects.get().rows_by_outcome()["matched"]] == [
        pledges[0].reference
    ]


def test_a_file_without_the_needed_columns_is_refused_with_a_message(client, area):
    client.force_login(area.officer_a)
    response = upload(client, "lung-tung.csv", b"a,b,c\n1,2,3\n")
    assert response.status_code == 200
    assert "id_file_error" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_statements_are_for_officers(client, area):
    client.force_login(area.staff_a)
    assert client.get(reverse("donations:statements")).status_code == 403


# Issue 19, finding 2: a bank statement of 200,000 rows (0.1 MB compressed) was a 500
# after 30 s, and 2,000,000 rows dropped the connection.

XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sao ke" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
CELL = '<c t="inlineStr"><is><t>{}</t></is></c>'
HEADER_ROW = "<row>" + "".join(CELL.format(name) for name in ("Ngày", "Số tiền", "Nội dung", "Mã GD")) + "</row>"
CREDIT_ROW = "<row>" + CELL.format("20/11/2026") + "<c><v>50000</v></c>" + CELL.format("Ung ho") + "</row>"


def long_xlsx(rows: int) -> bytes:
    """An xlsx whose one sheet has a header and `rows` identical credits, written as a
    stream into the zip (the sheet is never held whole): repetition compresses, so a
    sheet of millions of rows is a file of kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(HEADER_ROW.encode())
            block = CREDIT_ROW.encode() * 1000
            for _ in range(rows // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.mark.parametrize("rows", [200_000, 2_000_000])
def test_a_statement_of_too_many_rows_is_refused_with_a_message(client, area, rows):
    data = long_xlsx(rows)
    assert len(data) < 1024 * 1024  # small to send (5 MB are accepted): the bomb is in the unpacking
    client.force_login(area.officer_a)

    response = upload(client, "saoke-dai.xlsx", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert "vui lòng tách thành các tệp nhỏ hơn" in html
    assert not StatementImport.objects.exists()


def test_a_long_sheet_is_read_only_up_to_the_row_limit(settings):
    """With the unpacked-size check out of the way, the sheet is still read as a stream
    and stopped at STATEMENT_MAX_ROWS: memory stays that of 5,000 rows (about 5 MB
    traced; reading all 20,000 rows took 13 MB)."""
    settings.STATEMENT_MAX_UNCOMPRESSED_BYTES = 10**9
    data = long_xlsx(20_000)
    tracemalloc.start()
    try:
        with pytest.raises(statements.StatementError) as refused:
            statements.read_statement("saoke.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == "Sao kê có hơn 5.000 dòng; vui lòng tách thành các tệp nhỏ hơn."
    assert peak < 8 * 1024 * 1024


def test_a_long_csv_statement_is_refused_with_a_message(client, area):
    lines = ["Ngày;Số tiền;Nội dung;Mã GD"] + [f"20/11/2026;50.000;Ung ho;FT{n}" for n in range(6000)]
    client.force_login(area.officer_a)

    response = upload(client, "saoke-dai.csv", "\n".join(lines).encode())

    assert response.status_code == 200
    assert "Sao kê có hơn 5.000 dòng" in response.content.decode()
    assert not StatementImport.objects.exists()


def test_a_statement_of_the_largest_accepted_length_is_read(area, settings):
    settings.STATEMENT_MAX_ROWS = 1001
    rows = statements.read_statement("saoke.xlsx", long_xlsx(1000))
    assert len(rows) == 1000 and rows[0].amount == 50000
