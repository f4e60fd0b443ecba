"""The settlement report of a delivered need (báo cáo quyết toán, Circular 16/2018/TT-BGDĐT):
the rules and the writes that draft it and publish it.

Once a need is delivered (Need.DELIVERED_STATUSES), its school drafts the report: what was
received (computed from the gifts received for the need, allocations from funds
included; never typed), what was spent line by line (each line's amount is its quantity
times its unit cost), the total spent (which must be the sum of the lines), the
difference and what happens to it. A difference other than nothing needs a choice that
fits it (money left over goes to another need, back to the donors or to the school's
sponsorship account; a shortfall is paid by the school) and a note saying more.

Publishing issues it as a report (Báo cáo, "BC") numbered from the school's register,
with its PDF; it then shows on the need's public page and the school's transparency page,
and is never edited again."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.documents import render_pdf_locating
from core.formatting import format_vnd
from documents.issuers import issuer_of_school
from documents.models import DocumentKind
from documents.services import Rendered, issue_document
from donations.models import Pledge
from needs.models import Need

from .models import SettlementLine, SettlementReport

R = SettlementReport.Remainder
MAX_AMOUNT = 100_000_000_000
MAX_LINES = 200
# What a difference of each sign may become.
LEFT_OVER = (R.NEXT_NEED, R.RETURNED, R.SCHOOL_FUND)
SHORT = (R.SHORTFALL,)


class SettlementRefused(Exception):
    """A report the rules refuse. `field` names the form field; `line` (from 0) the line
    of what was spent it concerns, if any."""

    def __init__(self, message, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line


@dataclass(frozen=True)
class Line:
    """One line of what was spent, as typed."""

    description: str
    quantity: int
    unit: str
    unit_cost: int
    amount: int
    supplier: str = ""


# --- reads the rules need -------------------------------------------------------------


def received_total_of(need: Need) -> int:
    """What arrived for the need: every gift confirmed as received, allocations from
    funds and lunch instalments included (one query)."""
    total = Pledge.objects.filter(need=need, status__in=Pledge.RECEIVED_STATUSES).aggregate(
        total=Sum("received_amount")
    )["total"]
    return total or 0


def line_problems(line: Line) -> dict[str, str]:
    """What is wrong with one line, by field; empty when it adds up."""
    problems = {}
    if not line.description.strip():
        problems["description"] = _("Say what was bought or paid for.")
    if line.quantity is None or line.quantity <= 0:
        problems["quantity"] = _("The quantity must be more than 0.")
    if not line.unit.strip():
        problems["unit"] = _("Give the unit (chiếc, bộ, m²…).")
    if line.unit_cost is None or line.unit_cost < 0:
        problems["unit_cost"] = _("The unit cost cannot be negative.")
    elif line.unit_cost > MAX_AMOUNT:
        problems["unit_cost"] = _("This amount is too large; please check it.")
    if line.amount is None or line.amount < 0:
        problems["amount"] = _("The amount cannot be negative.")
    elif not problems and line.amount != line.quantity * line.unit_cost:
        problems["amount"] = _(
            "This line does not add up: %(quantity)s × %(unit_cost)s is %(expected)s, not %(amount)s."
        ) % {
            "quantity": line.quantity,
            "unit_cost": format_vnd(line.unit_cost),
            "expected": format_vnd(line.quantity * line.unit_cost),
            "amount": format_vnd(line.amount),
        }
    return problems


def remainder_problem(difference: int, remainder: str, note: str) -> tuple[str, str]:
    """(field, message) when the choice for the difference does not fit it; ("", "")
    when it does."""
    if remainder not in R.values:
        return "remainder", _("Choose what happens to the difference.")
    if difference == 0:
        if remainder != R.NONE:
            return "remainder", _("Nothing is left over and nothing is missing: choose “%(none)s”.") % {
                "none": R.NONE.label
            }
        return "", ""
    if difference > 0 and remainder not in LEFT_OVER:
        return "remainder", _(
            "%(amount)s is left over: say what happens to it (another need, back to the donors, "
            "or the school's sponsorship account)."
        ) % {"amount": format_vnd(difference)}
    if difference < 0 and remainder not in SHORT:
        return "remainder", _("%(amount)s more was spent than received: say that the school paid the shortfall.") % {
            "amount": format_vnd(-difference)
        }
    if not note.strip():
        return "remainder_note", _(
            "Explain the difference of %(amount)s: how much, to whom or from where, and when."
        ) % {"amount": format_vnd(abs(difference))}
    return "", ""


def _check(need: Need, lines: list[Line], spent_total: int | None, remainder: str, note: str) -> int:
    """Check a report as typed; return the received total. Raises SettlementRefused."""
    if need.status not in Need.DELIVERED_STATUSES:
        raise SettlementRefused(_("The settlement report is drafted once the need is delivered."))
    if not lines:
        raise SettlementRefused(_("Add at least one line of what was spent."), field="lines")
    if len(lines) > MAX_LINES:
        raise SettlementRefused(
            _("A report has at most %(count)s lines; group small purchases.") % {"count": MAX_LINES}, field="lines"
        )
    for index, line in enumerate(lines):
        for field, message in line_problems(line).items():
            raise SettlementRefused(message, field=field, line=index)
    total = sum(line.amount for line in lines)
    if spent_total is None or spent_total < 0:
        raise SettlementRefused(_("Give the total spent."), field="spent_total")
    if spent_total != total:
        raise SettlementRefused(
            _("The total spent (%(typed)s) is not the sum of the lines (%(sum)s).")
            % {"typed": format_vnd(spent_total), "sum": format_vnd(total)},
            field="spent_total",
        )
    received = received_total_of(need)
    field, message = remainder_problem(received - total, remainder, note)
    if message:
        raise SettlementRefused(message, field=field)
    return received


# --- the writes ---------------------------------------------------------------------


def settlement_save(
    *, need: Need, actor, lines: list[Line], spent_total: int | None, remainder: str, remainder_note: str = ""
) -> SettlementReport:
    """Draft the need's settlement report, or change its draft: the lines replace those
    before. Refused (SettlementRefused, with the field and line) for a need not yet
    delivered, a published report, a line that does not add up, a total that is not the
    sum of the lines, or a difference without a fitting choice and note."""
    note = (remainder_note or "").strip()
    with transaction.atomic():
        locked_need = Need.objects.select_for_update().get(pk=need.pk)
        report = SettlementReport.objects.select_for_update().filter(need=locked_need).first()
        if report is not None and report.is_published:
            raise SettlementRefused(_("This report is published: it can no longer be changed."))
        received = _check(locked_need, lines, spent_total, remainder, note)
        if report is None:
            report = SettlementReport(need=locked_need, drafted_by=actor)
        report.received_total = received
        report.spent_total = spent_total
        report.remainder = remainder
        report.remainder_note = note
        report._history_user = actor
        report.save()
        for old in report.lines.all():
            old._history_user = actor
            old.delete()
        for position, line in enumerate(lines):
            row = SettlementLine(
                report=report,
                description=line.description.strip(),
                quantity=line.quantity,
                unit=line.unit.strip(),
                unit_cost=line.unit_cost,
                amount=line.amount,
                supplier=(line.supplier or "").strip(),
                position=position,
            )
            row._history_user = actor
            row.save()
    return report


def settlement_publish(*, report: SettlementReport, actor, signer) -> SettlementReport:
    """Publish a draft report, signed for the school by `signer`: checked again against
    what has arrived by now, issued as a report numbered from the school's register with
    its PDF, then shown publicly and never edited. Raises SettlementRefused,
    documents.issuers.NoIssuer, or ValidationError for a signer who cannot sign."""
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("school__commune").get(pk=report.need_id)
        locked = SettlementReport.objects.select_for_update().get(pk=report.pk)
        if locked.is_published:
            raise SettlementRefused(_("This report is already published."))
        lines = list(locked.lines.all())
        as_typed = [
            Line(line.description, line.quantity, line.unit, line.unit_cost, line.amount, line.supplier)
            for line in lines
        ]
        try:
            received = _check(need, as_typed, locked.spent_total, locked.remainder, locked.remainder_note)
        except SettlementRefused as refused:
            if received_total_of(need) != locked.received_total:
                raise SettlementRefused(
                    _("More gifts were received since the draft: open it, check the difference and save it again.")
                ) from refused
            raise
        school = need.school
        today = timezone.localdate()
        try:
            issuer = issuer_of_school(school, on=today).with_signer(signer)
        except ValueError as refused:
            raise ValidationError({"signer": _("This person cannot sign for this body.")}) from refused
        locked.received_total = received
        locked.status = SettlementReport.Status.PUBLISHED
        locked.published_by, locked.published_at = actor, timezone.now()
        context = {
            "report": locked,
            "need": need,
            "school": school,
            "lines": lines,
            "shortfall": -locked.difference,
            "issuer": issuer,
        }
        locked.document = issue_document(
            kind=DocumentKind.REPORT,
            issuer=issuer,
            title=settlement_title(need),
            user=actor,
            render=lambda document: settlement_rendered({**context, "number": document.number_text}),
        )
        locked._history_user = actor
        locked.save(
            update_fields=["received_total", "status", "published_by", "published_at", "document", "updated_at"]
        )
    return locked


def settlement_title(need: Need) -> str:
    with translation.override("vi"):
        return _("Settlement of the sponsorship for “%(need)s”") % {"need": need.title}


def settlement_rendered(context: dict) -> Rendered:
    with translation.override("vi"):
        pdf, spaces = render_pdf_locating("receiving/settlement_report.html", context, "space")
    return Rendered(pdf=pdf, signature_spaces=spaces)
