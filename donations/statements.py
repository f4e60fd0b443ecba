"""Reading a bank statement and matching its credits to pledges by reference code.

Nothing changes until an officer confirms the preview; then only the matched rows are
applied, each through `pledge_receive`. A transaction id seen before (in this file or
an earlier import) is reported as a duplicate and never applied twice.
"""

import csv
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import format_number
from core.text import fold

from .models import Pledge, StatementLine

REFERENCE_RE = re.compile(r"DU[A-HJ-NP-Z2-9]{6}")
# Where a reference may be cut by spaces ("DU AB CDEF"): pieces between other separators.
_SEGMENT_SPLIT = re.compile(r"[^A-Z0-9 ]+")
REFERENCE_LENGTH = 8
# Banks put a title, the account and the period above the table: the header is looked
# for in this many first rows.
HEADER_SEARCH_ROWS = 30

# Header names banks use, folded (no accents, lower case).
COLUMNS = {
    "date": ("ngay", "ngay giao dich", "ngay gd", "date", "transaction date", "ngay hach toan"),
    "amount": ("so tien", "so tien ghi co", "ghi co", "credit", "amount", "so tien (vnd)"),
    "description": ("noi dung", "dien giai", "mo ta", "description", "noi dung giao dich", "details"),
    "transaction": ("ma giao dich", "so but toan", "so tham chieu", "transaction id", "reference", "ma gd"),
}

# A bank credit in whole VND fits in 15 digits; a pledge is at most 10 000 000 000.
MAX_AMOUNT_DIGITS = 15
# A longer transaction id could not be recorded as applied (StatementLine.transaction).
MAX_TRANSACTION_LENGTH = StatementLine._meta.get_field("transaction").max_length

MATCHED, UNMATCHED, AMBIGUOUS, DUPLICATE, MALFORMED = "matched", "unmatched", "ambiguous", "duplicate", "malformed"


@dataclass
class Row:
    line: int
    date: str
    amount: int | None
    description: str
    transaction: str
    outcome: str = ""
    reason: str = ""
    pledge_id: int | None = None
    reference: str = ""


class StatementError(Exception):
    pass


def _too_many_rows() -> StatementError:
    return StatementError(
        _("The statement has more than %(rows)s rows; split it into smaller files.")
        % {"rows": format_number(settings.STATEMENT_MAX_ROWS)}
    )


def _dialect(text: str):
    """The sniffer reads the first lines as one table; a bank's title and account lines
    above the table (one cell each) defeat it. Then the separator is the one the widest
    line of the first ones uses most: the table's header."""
    if not text.strip():
        return csv.excel
    try:
        return csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        lines = text[:4096].splitlines()[:HEADER_SEARCH_ROWS]
        delimiter = max(",;\t", key=lambda d: max((line.count(d) for line in lines), default=0))

        class Found(csv.excel):
            pass

        Found.delimiter = delimiter
        return Found


def _rows_from_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig", errors="replace")
    dialect = _dialect(text)
    rows = []
    for row in csv.reader(io.StringIO(text), dialect):
        if len(rows) >= settings.STATEMENT_MAX_ROWS:
            raise _too_many_rows()
        rows.append(row[: settings.STATEMENT_MAX_COLUMNS])
    return rows


def _check_zip(data: bytes) -> None:
    """An xlsx is a zip of XML: refuse it, from the zip's directory alone, when its
    content would unpack to more than STATEMENT_MAX_UNCOMPRESSED_BYTES (a 0.1 MB file can
    hold millions of rows). The sizes are the declared ones, and Python's zip reader
    never returns more than a member declares."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > settings.STATEMENT_MAX_UNCOMPRESSED_BYTES:
        raise StatementError(
            _("The statement unpacks to %(size)s MB, more than %(limit)s MB; split it into smaller files.")
            % {
                "size": format_number(unpacked // (1024 * 1024)),
                "limit": format_number(settings.STATEMENT_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)),
            }
        )


def _rows_from_excel(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = []
    # Read as a stream, row by row, never past the limits: a sheet that claims a million
    # rows or 16,384 columns costs no more than one of the largest accepted size.
    for values in sheet.iter_rows(values_only=True, max_col=settings.STATEMENT_MAX_COLUMNS):
        if len(rows) >= settings.STATEMENT_MAX_ROWS:
            raise _too_many_rows()
        rows.append(
            [
                "" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, datetime | date) else str(v))
                for v in values
            ]
        )
    return rows


def header_names(cell: str) -> set[str]:
    """The names a header cell answers to, folded: the whole cell and each part of a
    bilingual one ("Số tiền ghi có / Credit", "Ngày GD\n(Date)")."""
    folded = fold(cell)
    parts = {folded.strip(" :*.")}
    parts.update(part.strip(" :*.") for part in re.split(r"[/\n()]", folded))
    return {part for part in parts if part}


def _header_map(header: list[str], columns: dict[str, tuple[str, ...]] | None = None) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        keys = header_names(name)
        for column, names in (columns or COLUMNS).items():
            if keys & set(names) and column not in found:
                found[column] = index
    return found


def _parse_amount(text: str) -> int | None:
    cleaned = re.sub(r"[^\d,.\-]", "", text or "")
    if not cleaned or cleaned.startswith("-"):
        return None
    # Vietnamese statements write 1.250.000 or 1,250,000; whole dong either way.
    whole = re.sub(r"[.,]\d{1,2}$", "", cleaned) if re.search(r"[.,]\d{3}$", cleaned) is None else cleaned
    digits = re.sub(r"[.,]", "", whole)
    # More digits than any credit (and than int() converts, past 4300): unreadable.
    if not digits.isdigit() or len(digits) > MAX_AMOUNT_DIGITS:
        return None
    return int(digits) or None


def _parse_date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _find_header(table, names=None) -> tuple[int, dict[str, int]]:
    """Banks put a title and account details above the header: look in the first rows."""
    for index, header in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = _header_map(header, names)
        if {"date", "amount", "description"} <= set(columns):
            return index, columns
    raise StatementError(_("No header with date, amount and description columns was found."))


def read_statement(name: str, data: bytes, names: dict[str, tuple[str, ...]] | None = None) -> list[Row]:
    """The statement's credit rows, whatever the bank's column order. `names` are a
    bank's column names (statement_banks.ColumnNames.as_lookup()): then the amount is the
    credit column, and a row with no credit (a debit) or a second header row (a
    bilingual table) is not a row of the statement."""
    if len(data) > settings.STATEMENT_MAX_BYTES:
        raise StatementError(
            _("The file is larger than %(limit)s MB.")
            % {"limit": format_number(settings.STATEMENT_MAX_BYTES // (1024 * 1024))}
        )
    excel = name.lower().endswith((".xlsx", ".xlsm"))
    try:
        if excel:
            _check_zip(data)
        table = _rows_from_excel(data) if excel else _rows_from_csv(data)
    except StatementError:
        raise
    except Exception as error:  # a damaged or foreign file: say so, never a 500
        raise StatementError(_("This file cannot be read as CSV or Excel.")) from error
    start, columns = _find_header(table, names)
    rows = []
    for offset, values in enumerate(table[start + 1 :], start=start + 2):
        if not any(v.strip() for v in values):
            continue
        if names is not None:
            credit = columns["amount"]
            if credit >= len(values) or values[credit].strip() in ("", "0", "-"):
                continue
            if len(_header_map(values, names)) >= 3:
                continue
            date_cell = values[columns["date"]] if columns["date"] < len(values) else ""
            described = columns["description"] < len(values) and values[columns["description"]].strip()
            if _parse_date(date_cell) is None and not described:
                continue  # a total or a closing balance, not a transaction

        def cell(column, values=values):
            index = columns.get(column)
            # No NUL characters: PostgreSQL refuses them in the stored rows (JSON).
            return values[index].replace("\x00", "").strip() if index is not None and index < len(values) else ""

        rows.append(
            Row(
                line=offset,
                date=cell("date"),
                amount=_parse_amount(cell("amount")),
                description=cell("description"),
                transaction=cell("transaction"),
            )
        )
    return rows


def find_references(description: str) -> list[str]:
    """The pledge references written in a bank's description, in order, each once.

    Banks wrap the donor's words in their own ("MBVCB.1234567.DU2345AB.CT tu ...",
    "CT nhanh 247 den: ... DU2345AB"), and donors type the code in lower case or with
    spaces ("du 2345 ab"). A reference is whole words, joined across spaces only, that
    spell exactly "DU" + 6 code characters: never part of a longer word
    ("XDU2345AB", "DU2345ABC"), so a bank's trace number cannot be mistaken for one.
    """
    found = []
    for segment in _SEGMENT_SPLIT.split(fold(description).upper()):
        words = segment.split()
        for start in range(len(words)):
            joined = ""
            for word in words[start:]:
                joined += word
                if len(joined) >= REFERENCE_LENGTH:
                    break
            if len(joined) == REFERENCE_LENGTH and REFERENCE_RE.fullmatch(joined) and joined not in found:
                found.append(joined)
    return found


def classify(rows: list[Row], *, pledges_in_area) -> list[Row]:
    """Sort each row into matched, unmatched, ambiguous, duplicate or malformed."""
    seen = set()
    known = set(
        StatementLine.objects.filter(transaction__in=[r.transaction for r in rows if r.transaction]).values_list(
            "transaction", flat=True
        )
    )
    references = {ref for r in rows for ref in find_references(r.description)}
    pledges = {p.reference: p for p in pledges_in_area.filter(reference__in=references)}
    matched_pledges = set()
    for row in rows:
        parsed_date = _parse_date(row.date)
        if parsed_date is None or row.amount is None:
            row.outcome, row.reason = MALFORMED, _("The date or the amount cannot be read.")
            continue
        row.date = parsed_date.isoformat()
        if len(row.transaction) > MAX_TRANSACTION_LENGTH:
            row.outcome = MALFORMED
            row.reason = _("The transaction id is longer than %(limit)s characters.") % {
                "limit": MAX_TRANSACTION_LENGTH
            }
            continue
        if row.transaction and (row.transaction in seen or row.transaction in known):
            row.outcome, row.reason = DUPLICATE, _("This transaction was already listed or imported.")
            continue
        if row.transaction:
            seen.add(row.transaction)
        found = find_references(row.description)
        if not found:
            row.outcome, row.reason = UNMATCHED, _("No reference code in the description.")
            continue
        # Words that only look like a code ("du an 2345" reads DUAN2345) name no pledge:
        # only the codes of pledges decide.
        known_codes = [code for code in found if code in pledges]
        if len(known_codes) > 1:
            row.outcome = AMBIGUOUS
            row.reason = _("Several reference codes: %(codes)s.") % {"codes": ", ".join(sorted(known_codes))}
            continue
        row.reference = (known_codes or found)[0]
        pledge = pledges.get(row.reference)
        if pledge is None:
            row.outcome, row.reason = UNMATCHED, _("No pledge in your area has this reference.")
        elif pledge.status != Pledge.Status.PLEDGED or pledge.pk in matched_pledges:
            row.outcome, row.reason = AMBIGUOUS, _("This pledge is already received or closed.")
        elif row.amount != pledge.amount:
            row.outcome = AMBIGUOUS
            row.reason = _("The amount differs from the pledge (%(amount)s).") % {
                "amount": format_number(pledge.amount)
            }
            row.pledge_id = pledge.pk
        else:
            row.outcome, row.pledge_id = MATCHED, pledge.pk
            matched_pledges.add(pledge.pk)
    return rows


def as_json(rows: list[Row]) -> list[dict]:
    return [asdict(row) for row in rows]
