import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

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
