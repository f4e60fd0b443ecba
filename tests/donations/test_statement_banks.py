"""Each bank's statement layout, the column names an office saves, the templates, and
the reference found inside a bank's own description."""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from donations.models import StatementColumnMap, StatementImport
from donations.statement_banks import DEFAULTS
from donations.statements import find_references


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=";") -> bytes:
    return "\n".join(delimiter.join(str(cell) for cell in row) for row in rows).encode("utf-8-sig")


# Each bank's export as its public description shows it: a title and the account above
# the table, its own column names and order, debits beside the credits, a total below.
# One credit of 2.000.000 ₫ carries the pledge's reference inside the bank's own text.
def vietcombank(ref):
    return "vcb.xlsx", xlsx(
        [
            ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
            ["SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT"],
            ["Số tài khoản / Account number: 0011001234567"],
            [],
            [
                "STT",
                "Ngày giao dịch / Transaction Date",
                "Số tham chiếu / Reference No",
                "Số tiền ghi nợ / Debit",
                "Số tiền ghi có / Credit",
                "Số dư / Balance",
                "Mô tả / Description",
            ],
            [1, "20/11/2026", "5213.20112026.001", None, 2000000, 12000000, f"MBVCB.1234567.{ref}.Ung ho hoc sinh"],
            [2, "20/11/2026", "5213.20112026.002", 150000, None, 11850000, "Phi dich vu SMS"],
            [None, "Tổng cộng", None, 150000, 2000000, None, None],
        ]
    )


def vietinbank(ref):
    return "vietinbank.csv", csv_bytes(
        [
            ["VietinBank - Sao kê tài khoản"],
            ["Từ ngày 01/11/2026 đến ngày 30/11/2026"],
            ["STT", "Ngày giao dịch", "Chi tiết giao dịch", "Nợ", "Có", "Số dư", "Số giao dịch"],
            [
                "1",
                "20/11/2026 08:15",
                f"CT nhanh 247 den: {ref} ung ho truong vung cao",
                "",
                "2.000.000",
                "",
                "FT2611A",
            ],
            ["2", "21/11/2026 09:00", "Rut tien mat", "500.000", "", "", "FT2611B"],
        ],
        delimiter=",",
    )


def bidv(ref):
    # Two header rows, Vietnamese then English; dates as real dates.
    return "bidv.xlsx", xlsx(
        [
            ["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM"],
            ["SAO KÊ TÀI KHOẢN"],
            ["STT", "Ngày hiệu lực", "Số tham chiếu", "Ghi nợ", "Số tiền ghi có", "Số dư", "Mô tả giao dịch"],
            ["No.", "Effective date", "Reference No", "Debit", "Credit", "Balance", "Description"],
            [1, datetime(2026, 11, 20), "BIDV-0001", None, "2,000,000", None, f"REM Tfr Ac: 0123456 {ref.lower()}"],
            [2, datetime(2026, 11, 21), "BIDV-0002", "30,000", None, None, "Phi quan ly tai khoan"],
        ]
    )


def agribank(ref):
    return "agribank.csv", csv_bytes(
        [
            ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"],
            ["Tài khoản: 8800211223344 - PHÒNG GD&ĐT"],
            [],
            ["Ngày GD", "Số bút toán", "Diễn giải", "Ghi nợ", "Ghi có", "Số dư"],
            ["20/11/2026 09:15:22", "AGR-77", f"IBFT {ref}-Nguyen Van An ung ho", "0", "2.000.000", "9.000.000"],
            ["21/11/2026 10:00:00", "AGR-78", "Thu phi", "11.000", "0", "8.989.000"],
        ]
    )


def mb(ref):
    spaced = f"{ref[:2].lower()} {ref[2:5].lower()} {ref[5:].lower()}"  # "du 234 5ab": typed with spaces
    return "mb.xlsx", xlsx(
        [
            ["MB - Ngân hàng TMCP Quân đội"],
            ["SAO KÊ CHI TIẾT TÀI KHOẢN"],
            ["STT", "Ngày hạch toán", "Số bút toán", "Phát sinh nợ", "Phát sinh có", "Số dư", "Nội dung"],
            [1, "20/11/2026", "FT26324123", None, 2000000, None, f"{spaced} chuyen tien ung ho"],
            [2, "20/11/2026", "FT26324124", 40000, None, None, "Phi chuyen tien"],
        ]
    )


LAYOUTS = {"vietcombank": vietcombank, "vietinbank": vietinbank, "bidv": bidv, "agribank": agribank, "mb": mb}
TRANSACTIONS = {
    "vietcombank": "5213.20112026.001",
    "vietinbank": "FT2611A",
    "bidv": "BIDV-0001",
    "agribank": "AGR-77",
    "mb": "FT26324123",
}


def upload(client, name, content, bank=""):
    return client.post(reverse("donations:statements"), {"file": SimpleUploadedFile(name, content), "bank": bank})


@pytest.mark.parametrize("bank", list(LAYOUTS))
def test_each_banks_default_columns_read_its_export(client, area, pledges, bank):
    first = pledges[0]
    name, content = LAYOUTS[bank](first.reference)
    client.force_login(area.officer_a)

    response = upload(client, name, content, bank)

    statement = StatementImport.objects.get()
    assert response.url == reverse("donations:statement", args=[statement.pk])
    assert statement.bank == bank
    # Only the credit is read: no debit, no title, no second header, no total.
    assert len(statement.rows) == 1
    (row,) = statement.rows_by_outcome()["matched"]
    assert (row["date"], row["amount"], row["reference"], row["transaction"]) == (
        "2026-11-20",
        2_000_000,
        first.reference,
        TRANSACTIONS[bank],
    )


def test_a_file_of_another_bank_is_refused_with_a_message(client, area, pledges):
    name, content = vietinbank(pledges[0].reference)
    client.force_login(area.officer_a)
    response = upload(client, name, content, "agribank")  # no "Ghi có" column in VietinBank's
    assert response.status_code == 200
    assert "id_file_error" in response.content.decode()
    assert not StatementImport.objects.exists()


@pytest.mark.parametrize(
    "description",
    [
        "MBVCB.1234567.DU2345AB.Ung ho hoc sinh",
        "CT nhanh 247 den: Nguyen Van A chuyen tien DU2345AB",
        "du2345ab",
        "du 2345 ab ung ho",
        "DU2345 AB",
        "IBFT DU2345AB-Nguyen Van An",
        "REM Tfr Ac: 0123456 Du2345Ab",
        "ung ho du an DU2345AB",
        "(DU2345AB)",
        "Ủng hộ DU2345AB, cảm ơn",
    ],
)
def test_a_reference_is_found_inside_the_banks_text(description):
    assert find_references(description) == ["DU2345AB"]


@pytest.mark.parametrize(
    "description",
    [
        "MBVCB.1234567.ABC123.DUE GIFT REF",
        "XDU2345AB",  # inside a longer word
        "DU2345ABC",
        "FT24DU2345AB",
        "0DU2345AB1",
        "DU2345A",
        "DU 2345 ABC",  # spaces join whole words only: "DU2345ABC" is too long
        "DUO2345A",  # O and 0, I and 1 are never in a reference
        "",
    ],
)
def test_no_reference_is_read_from_part_of_a_word(description):
    assert find_references(description) == []


def test_two_references_are_both_found():
    assert find_references("DU2345AB va du6789cd") == ["DU2345AB", "DU6789CD"]


def test_words_that_spell_a_code_do_not_hide_the_real_one(client, area, pledges):
    """ "du an 2345" reads as DUAN2345, which names no pledge: the row is matched to the
    pledge whose code it carries, not called ambiguous."""
    first = pledges[0]
    client.force_login(area.officer_a)
    content = csv_bytes(
        [
            ["Ngày giao dịch", "Số tiền ghi có", "Nội dung", "Mã giao dịch"],
            ["20/11/2026", "2.000.000", f"du an 2345 {first.reference}", "X1"],
        ]
    )
    upload(client, "saoke.csv", content)
    assert [r["reference"] for r in StatementImport.objects.get().rows_by_outcome()["matched"]] == [first.reference]


@pytest.mark.parametrize("bank", list(LAYOUTS))
def test_the_templates_carry_the_accepted_columns_and_read_back(client, area, pledges, bank):
    first = pledges[0]
    client.force_login(area.officer_a)
    header = DEFAULTS[bank].template_header()

    as_csv = client.get(reverse("donations:statement_template", args=[bank, "csv"]))
    assert as_csv["Content-Type"].startswith("text/csv")
    assert f"mau-sao-ke-{bank}.csv" in as_csv["Content-Disposition"]
    assert as_csv.content.decode("utf-8-sig").strip().split(";") == header

    as_xlsx = client.get(reverse("donations:statement_template", args=[bank, "xlsx"]))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [cell.value for cell in sheet[2]] == header
    # The template filled in is read with the bank's columns.
    sheet.append(["20/11/2026", 2000000, f"Ung ho {first.reference}", "T-1"])
    out = io.BytesIO()
    sheet.parent.save(out)
    upload(client, "mau.xlsx", out.getvalue(), bank)
    assert StatementImport.objects.get().rows_by_outcome()["matched"][0]["pledge_id"] == first.pk


def test_templates_and_columns_are_for_officers(client, area):
    for user, status in ((area.staff_a, 403), (area.outsider, 403)):
        client.force_login(user)
        assert client.get(reverse("donations:statement_template", args=["mb", "csv"])).status_code == status
        assert client.get(reverse("donations:statement_columns", args=["mb"])).status_code == status
    client.force_login(area.officer_a)
    assert client.get(reverse("donations:statement_template", args=["acb", "csv"])).status_code == 404
    assert client.get(reverse("donations:statement_template", args=["mb", "pdf"])).status_code == 404
    assert client.get(reverse("donations:statement_columns", args=["acb"])).status_code == 404


def test_the_upload_page_names_the_columns_and_says_the_defaults_are_unchecked(client, area):
    client.force_login(area.officer_a)
    page = client.get(reverse("donations:statements")).content.decode()
    assert page.count("Mặc định theo mô tả công khai, chưa đối chiếu với tệp thật") == 5
    assert "Số tiền ghi có; Credit; Ghi có" in page
    assert reverse("donations:statement_template", args=["bidv", "xlsx"]) in page


def test_an_office_saves_its_own_columns_with_history(client, area, pledges):
    first = pledges[0]
    client.force_login(area.officer_a)
    url = reverse("donations:statement_columns", args=["vietinbank"])
    assert "Chi tiết giao dịch" in client.get(url).content.decode()

    # A column without a name is refused next to the field, the rest kept.
    bad = client.post(url, {"date_column": "Ngày", "amount_column": " ; ", "description_column": "Nội dung"})
    assert bad.status_code == 200
    assert "id_amount_column_error" in bad.content.decode() and 'value="Nội dung"' in bad.content.decode()
    assert not StatementColumnMap.objects.exists()

    client.post(
        url,
        {
            "date_column": "Ngày; Ngày GD",
            "amount_column": "Tiền vào",
            "description_column": "Nội dung",
            "reference_column": "Mã",
        },
    )
    saved = StatementColumnMap.objects.get()
    assert (saved.bank, saved.office, saved.amount_column) == ("vietinbank", area.office_a, "Tiền vào")
    assert saved.history.get().history_user == area.officer_a

    content = csv_bytes([["Ngày", "Tiền vào", "Nội dung", "Mã"], ["20/11/2026", "2.000.000", first.reference, "M1"]])
    upload(client, "saoke.csv", content, "vietinbank")
    assert StatementImport.objects.get().rows_by_outcome()["matched"][0]["pledge_id"] == first.pk
    page = client.get(reverse("donations:statements")).content.decode()
    assert page.count("chưa đối chiếu với tệp thật") == 4

    # Another district's office still reads the defaults.
    client.force_login(area.officer_b)
    assert client.get(reverse("donations:statements")).content.decode().count("chưa đối chiếu với tệp thật") == 5


def test_the_superuser_saves_the_columns_of_every_office(client, area, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.vn", password="x" * 12)
    client.force_login(admin)
    client.post(
        reverse("donations:statement_columns", args=["mb"]),
        {"date_column": "Ngày", "amount_column": "Có", "description_column": "Nội dung", "reference_column": ""},
    )
    assert StatementColumnMap.objects.get().office is None
    client.force_login(area.officer_b)
    page = client.get(reverse("donations:statement_columns", args=["mb"])).content.decode()
    assert 'value="Có"' in page
