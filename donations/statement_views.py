"""The officer's bank statements: upload and preview, matching a line by hand, the
banks' column names and their templates (donations.statements, statement_banks)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services, statements
from .forms import ColumnMapForm, LineMatchForm, LineUnmatchForm, StatementForm
from .models import StatementColumnMap, StatementImport, StatementLine
from .permissions import (
    get_pledge_for_matching,
    get_statement_for_matching,
    office_for_column_maps,
    pledges_in_officer_area,
)
from .statement_banks import FIELD_LABELS, FIELDS, template_csv, template_xlsx

BANKS = dict(StatementColumnMap.Bank.choices)


def _bank_or_404(bank: str) -> str:
    if bank not in BANKS:
        raise Http404
    return bank


def _banks_with_columns(office) -> list[dict]:
    return [
        {
            "code": code,
            "label": label,
            "columns": selectors.column_names(code, office),
        }
        for code, label in BANKS.items()
    ]


@login_required
def statement_upload(request):
    pledges_in_area = pledges_in_officer_area(request.user)
    office = office_for_column_maps(request.user)
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        bank = form.cleaned_data["bank"]
        try:
            statement = services.statement_import(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                pledges_in_area=pledges_in_area,
                bank=bank,
                columns=selectors.column_names(bank, office) if bank else None,
            )
        except statements.StatementError as error:
            form.add_error("file", str(error))
        else:
            return redirect("donations:statement", pk=statement.pk)
    recent = StatementImport.objects.filter(uploaded_by=request.user)[:10]
    return render(
        request,
        "donations/statement_upload.html",
        {
            "form": form,
            "recent": recent,
            "banks": _banks_with_columns(office),
            "field_labels": [FIELD_LABELS[field] for field in FIELDS],
            "common_columns": statements.COLUMNS,
        },
    )


@login_required
def statement_preview(request, pk):
    statement, pledges_in_area = get_statement_for_matching(request, pk)
    if request.method == "POST":
        try:
            applied, skipped = services.statement_apply(
                statement=statement, actor=request.user, pledges_in_area=pledges_in_area
            )
        except services.PledgeRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("%(count)s pledges confirmed as received.") % {"count": applied})
            if skipped:
                messages.warning(request, _("Not applied: %(refs)s") % {"refs": ", ".join(skipped)})
        return redirect("donations:statement", pk=statement.pk)
    groups = selectors.statement_groups(statement)
    return render(
        request,
        "donations/statement_preview.html",
        {
            "statement": statement,
            "groups": groups,
            "matchable": services.MATCHABLE_OUTCOMES,
            "manual_count": sum(1 for rows in groups.values() for row in rows if row["manual"]),
        },
    )


def _row_or_404(statement, line: int) -> dict:
    row = statement.row(line)
    if row is None:
        raise Http404
    return row


@login_required
def statement_line(request, pk, line):
    """One line of a statement: match it by hand to a waiting pledge (candidates of the
    same amount first, a search by reference, amount or name), or undo such a match."""
    statement, pledges_in_area = get_statement_for_matching(request, pk)
    row = _row_or_404(statement, line)
    matched = StatementLine.objects.select_related("pledge", "matched_by").filter(
        transaction=statement.line_key(row), statement=statement, manual=True
    )
    match = matched.first()
    form = LineMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pledge = get_pledge_for_matching(request, pledges_in_area, form.cleaned_data["pledge"])
        try:
            services.statement_line_match(
                statement=statement, row=row, pledge=pledge, actor=request.user, note=form.cleaned_data["note"]
            )
        except services.PledgeRefused as refused:
            messages.error(request, refused.message)
            return redirect("donations:statement_line", pk=statement.pk, line=line)
        messages.success(
            request,
            _("Line %(line)s matched to the pledge %(reference)s, received.")
            % {
                "line": line,
                "reference": pledge.reference,
            },
        )
        return redirect("donations:statement", pk=statement.pk)
    query = request.GET.get("q", "")
    candidates = []
    if match is None and row["outcome"] in services.MATCHABLE_OUTCOMES and row["amount"]:
        candidates = selectors.match_candidates(pledges_in_area, amount=row["amount"], query=query)
    return render(
        request,
        "donations/statement_line.html",
        {
            "statement": statement,
            "row": row,
            "match": match,
            "query": query,
            "candidates": candidates,
            "matchable": row["outcome"] in services.MATCHABLE_OUTCOMES,
            "unmatch_form": LineUnmatchForm(),
        },
    )


@login_required
@require_POST
def statement_unmatch(request, pk, line):
    statement, pledges_in_area = get_statement_for_matching(request, pk)
    row = _row_or_404(statement, line)
    match = StatementLine.objects.filter(transaction=statement.line_key(row), statement=statement).first()
    if match is None:
        raise Http404
    get_pledge_for_matching(request, pledges_in_area, match.pledge_id)
    form = LineUnmatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the match is undone."))
        return redirect("donations:statement_line", pk=statement.pk, line=line)
    try:
        services.statement_line_unmatch(line=match, actor=request.user, reason=form.cleaned_data["reason"])
    except services.PledgeRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The match is undone: the pledge waits for its transfer again."))
    return redirect("donations:statement_line", pk=statement.pk, line=line)


@login_required
def statement_columns(request, bank):
    """The column names read from one bank's statements, for the officer's office (the
    superuser's: for every office)."""
    office = office_for_column_maps(request.user)
    bank = _bank_or_404(bank)
    current = selectors.column_names(bank, office)
    form = ColumnMapForm(
        request.POST or None,
        initial={f"{field}_column": getattr(current, field) for field in FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        services.column_map_save(bank=bank, office=office, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The columns of %(bank)s are saved.") % {"bank": BANKS[bank]})
        return redirect("donations:statements")
    return render(
        request,
        "donations/statement_columns.html",
        {"form": form, "bank": bank, "bank_label": BANKS[bank], "current": current, "office": office},
    )


@login_required
def statement_template(request, bank, fmt):
    """The header an officer's file must have for this bank, as CSV or Excel."""
    office = office_for_column_maps(request.user)
    bank = _bank_or_404(bank)
    names = selectors.column_names(bank, office)
    if fmt == "csv":
        response = HttpResponse(template_csv(names), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(names, _("Statement template: %(bank)s") % {"bank": BANKS[bank]}),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="mau-sao-ke-{bank}.{fmt}"'
    return response
