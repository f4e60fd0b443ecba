"""Tables out as real Excel files and as CSV, safe to open: no cell can run as a formula."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# A text cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Numbers stay numbers; text that a spreadsheet would run is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Sheet:
    """One table of a workbook: a title (at most 31 characters in Excel), a header row,
    the rows, and the indexes of the columns that hold money (whole VND)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    money_columns: Sequence[int] = ()


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook with one sheet per table, every cell formula-safe, headers bold and
    frozen, money as 1.250.000 in a Vietnamese Excel, columns as wide as their text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in sheets:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="0F5B4C")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append([safe_cell(value) for value in row])
        for index in table.money_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = MONEY_FORMAT
        for index, header in enumerate(table.headers, start=1):
            longest = max(
                [len(str(header))]
                + [len(str(c.value or "")) for (c,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence], money_columns=()):
    workbook = xlsx_bytes([Sheet(title, headers, rows, money_columns)])
    response = HttpResponse(workbook, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    # The byte-order mark makes Excel read the Vietnamese text as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
