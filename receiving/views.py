"""Circular 16 records: views."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----

# Thin: the rules are records.py and settlements.py, the access permissions.py. The
# section keeps its own imports, so the two sections of this module stay apart.
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents.forms import IssueForm
from documents.issuers import NoIssuer
from documents.views import sign_and_tell
from needs.models import Need

from . import permissions as record_permissions
from . import records, settlements
from . import selectors as record_selectors
from .forms import ReceiptRecordForm, SettlementForm, SettlementLineFormSet


def _signers_url(school):
    return reverse("documents:signers", args=["school", school.pk])


@login_required
def record_issue(request, reference):
    """The school issues a received gift's receipt record, signed by one of its signers."""
    pledge = record_permissions.get_pledge_for_record(request, reference)
    existing = record_selectors.record_of(pledge)
    if existing is not None:
        messages.info(request, _("This gift already has its receipt record."))
        return redirect("donations:detail", reference=pledge.reference)
    school = pledge.need.school
    giver = records.giver_of(pledge)
    initial = {"amount": pledge.received_amount}
    form = ReceiptRecordForm(request.POST or None, initial=initial, body=school)
    problem = records.record_problem(pledge)
    if request.method == "POST" and not problem and form.is_valid():
        data = form.cleaned_data
        try:
            record = records.record_issue(
                pledge=pledge,
                actor=request.user,
                signer=data["signer"],
                amount=data["amount"],
                giver_representative=data["giver_representative"],
                giver_position=data["giver_position"],
                giver_address=data["giver_address"],
            )
        except records.RecordRefused as refused:
            form.add_error(refused.field, refused.message)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except NoIssuer as no_issuer:
            form.add_error(None, str(no_issuer))
        else:
            sign_and_tell(request, record.document)
            return redirect("donations:detail", reference=pledge.reference)
    return render(
        request,
        "receiving/record_form.html",
        {
            "pledge": pledge,
            "school": school,
            "giver": giver,
            "form": form,
            "problem": problem,
            "no_signers": not form.fields["signer"].queryset.exists(),
            "signers_url": _signers_url(school),
        },
    )


def record_pdf(request, pk):
    """The receipt record as issued (and signed): the stored PDF."""
    record = record_permissions.get_record_for_download(request, pk)
    document = record.document
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"bien-ban-tiep-nhan-{record.pledge.reference}.pdf",
    )


@login_required
def settlement_edit(request, need_pk):
    """The school drafts (or changes) the settlement report of a delivered need."""
    need = record_permissions.get_need_for_settlement(request, need_pk)
    report = record_selectors.settlement_for_page(need, insider=True)
    received = settlements.received_total_of(need)
    delivered = need.status in Need.DELIVERED_STATUSES
    if report is not None and report.is_published:
        messages.info(request, _("This report is published: it can no longer be changed."))
        return redirect(need.get_absolute_url())
    if report is not None:
        initial = {
            "spent_total": report.spent_total,
            "remainder": report.remainder,
            "remainder_note": report.remainder_note,
        }
        lines_initial = [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_cost": line.unit_cost,
                "amount": line.amount,
                "supplier": line.supplier,
            }
            for line in report.lines.all()
        ]
    else:
        initial = {"remainder": settlements.R.NONE}
        lines_initial = [
            {
                "description": item.description,
                "quantity": item.quantity,
                "unit": item.unit,
                "unit_cost": item.unit_cost,
                "amount": item.total,
            }
            for item in need.items.all()
        ]
    posted = request.method == "POST"
    form = SettlementForm(request.POST if posted else None, initial=initial)
    # Bound, the lines are what was posted: compared with the need's items as initial
    # data, lines kept as drafted from them would count as unchanged and be dropped.
    formset = SettlementLineFormSet(
        request.POST if posted else None, initial=None if posted else (lines_initial or None), prefix="lines"
    )
    if posted and delivered and form.is_valid() and formset.is_valid():
        lines = [
            settlements.Line(
                description=row["description"],
                quantity=row["quantity"],
                unit=row["unit"],
                unit_cost=row["unit_cost"],
                amount=row["amount"],
                supplier=row.get("supplier", ""),
            )
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        try:
            settlements.settlement_save(
                need=need,
                actor=request.user,
                lines=lines,
                spent_total=form.cleaned_data["spent_total"],
                remainder=form.cleaned_data["remainder"],
                remainder_note=form.cleaned_data["remainder_note"],
            )
        except settlements.SettlementRefused as refused:
            if refused.line is not None:
                kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
                kept[refused.line].add_error(refused.field, refused.message)
            elif refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            else:
                form.add_error(None, refused.message)
        else:
            messages.success(request, _("The settlement report is saved as a draft. Publish it when it is right."))
            return redirect("receiving:settlement_edit", need_pk=need.pk)
    return render(
        request,
        "receiving/settlement_form.html",
        {
            "need": need,
            "report": report,
            "received": received,
            "delivered": delivered,
            "form": form,
            "formset": formset,
            "issue_form": IssueForm(body=need.school) if report is not None else None,
            "signers_url": _signers_url(need.school),
        },
    )


@login_required
@require_POST
def settlement_publish(request, need_pk):
    """Publish the draft: issued from the school's register, then public."""
    need = record_permissions.get_need_for_settlement(request, need_pk)
    report = record_selectors.settlement_for_page(need, insider=True)
    if report is None:
        messages.error(request, _("Draft the settlement report first."))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    form = IssueForm(request.POST, body=need.school)
    if not form.is_valid():
        messages.error(request, _("Choose who signs the report, among the school's signers."))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    try:
        report = settlements.settlement_publish(report=report, actor=request.user, signer=form.cleaned_data["signer"])
    except settlements.SettlementRefused as refused:
        messages.error(request, refused.message)
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    except (NoIssuer, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return redirect("receiving:settlement_edit", need_pk=need.pk)
    sign_and_tell(request, report.document)
    messages.success(request, _("The settlement report is published on the need's page."))
    return redirect(need.get_absolute_url())


def settlement_pdf(request, pk):
    """A published settlement report, as issued: public."""
    report = record_permissions.get_settlement_for_download(request, pk)
    return FileResponse(
        report.document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"bao-cao-quyet-toan-{report.need_id}.pdf",
    )


# (end of the records section)
