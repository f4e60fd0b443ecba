"""The banks whose statements the portal reads, the column names it looks for in each,
and the templates an officer downloads.

The defaults below are taken from public descriptions of each bank's statement export
(the bank's help pages, and the statements published for public donations) and have
NOT been checked against a real exported file: none can be obtained here. The upload
page and docs/architecture.md say so, and an officer adjusts the names of their own
bank (StatementColumnMap, per office, or global for every office) when their file
differs. Several names may be given for one column; a header cell in two languages
("Số tiền ghi có / Credit") answers to each of its parts.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.text import fold

from .models import StatementColumnMap

Bank = StatementColumnMap.Bank

# The columns read, in the order of a template.
FIELDS = ("date", "amount", "description", "reference")
FIELD_LABELS = {
    "date": _("Transaction date"),
    "amount": _("Credit amount"),
    "description": _("Description"),
    "reference": _("Bank reference"),
}
# Names in a saved mapping are separated by this.
SEPARATOR = ";"


@dataclass(frozen=True)
class ColumnNames:
    date: str
    amount: str
    description: str
    reference: str
    # "default" (the public description below), "global" (saved for every office) or
    # "office" (saved for the officer's own office).
    source: str = "default"

    def names(self, field: str) -> list[str]:
        return [name.strip() for name in getattr(self, field).split(SEPARATOR) if name.strip()]

    def as_lookup(self) -> dict[str, tuple[str, ...]]:
        """The folded names statements.read_statement looks for; the bank's reference
        column is the transaction id that keeps a line from being applied twice."""
        lookup = {
            "date": self.names("date"),
            "amount": self.names("amount"),
            "description": self.names("description"),
            "transaction": self.names("reference"),
        }
        return {column: tuple(fold(name) for name in names) for column, names in lookup.items()}

    def template_header(self) -> list[str]:
        return [self.names(field)[0] if self.names(field) else "" for field in FIELDS]

    @property
    def is_default(self) -> bool:
        return self.source == "default"


DEFAULTS = {
    Bank.VIETCOMBANK: ColumnNames(
        date="Ngày giao dịch; Transaction Date; Ngày GD",
        amount="Số tiền ghi có; Credit; Ghi có",
        description="Mô tả; Nội dung chi tiết; Transactions in detail; Description",
        reference="Số tham chiếu; Số CT; Doc No; Reference No",
    ),
    Bank.VIETINBANK: ColumnNames(
        date="Ngày giao dịch; Transaction date; Ngày GD",
        amount="Có; Ghi có; Số tiền ghi có; Credit",
        description="Chi tiết giao dịch; Nội dung giao dịch; Diễn giải; Transaction details",
        reference="Số giao dịch; Số bút toán; Transaction No",
    ),
    Bank.BIDV: ColumnNames(
        date="Ngày hiệu lực; Ngày giao dịch; Effective date; Transaction date",
        amount="Số tiền ghi có; Ghi có; Credit",
        description="Mô tả giao dịch; Nội dung giao dịch; Mô tả; Description",
        reference="Số tham chiếu; Mã giao dịch; Reference No",
    ),
    Bank.AGRIBANK: ColumnNames(
        date="Ngày GD; Ngày giao dịch; Transaction date",
        amount="Ghi có; Số tiền ghi có; Credit",
        description="Diễn giải; Nội dung; Description",
        reference="Số bút toán; Số chứng từ; Ref No",
    ),
    Bank.MB: ColumnNames(
        date="Ngày hạch toán; Ngày giao dịch; Posting date; Transaction date",
        amount="Phát sinh có; Số tiền ghi có; Credit",
        description="Nội dung; Nội dung giao dịch; Diễn giải; Description",
        reference="Số bút toán; Mã giao dịch; Reference",
    ),
}


def from_saved(saved: StatementColumnMap) -> ColumnNames:
    return ColumnNames(
        date=saved.date_column,
        amount=saved.amount_column,
        description=saved.description_column,
        reference=saved.reference_column,
        source="global" if saved.office_id is None else "office",
    )


def template_csv(names: ColumnNames) -> bytes:
    """The accepted header as a CSV a spreadsheet opens in UTF-8 (with the BOM Excel
    needs to read Vietnamese), semicolon-separated like the banks' own exports."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow(names.template_header())
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(names: ColumnNames, bank_label: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sao ke"
    # One title row above the table, as the banks' exports have: the reader skips it.
    sheet.append([f"{bank_label}"])
    sheet.append(names.template_header())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for letter in "ABCD":
        sheet.column_dimensions[letter].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
