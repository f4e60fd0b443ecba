import json
import uuid

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.documents import pdf_response
from core.ratelimit import limit_posts
from documents.issuers import NoIssuer
from needs.models import Need
from schools.models import AdministrativeUnit, School

from . import personal_data, selectors, services, statements, vietqr
from .forms import BankAccountForm, DonorProfileForm, PaymentRouteForm, PledgeForm, ReceiptForm, StatementForm
from .letters import thank_you_pdf
from .models import DonorProfile, Pledge, StatementImport
from .permissions import (
    can_confirm,
    get_pledge_for_viewing,
    get_school_for_routing,
    is_donor,
    pledge_url,
    pledges_in_officer_area,
)


def _initial_donor(user) -> dict:
    if not user.is_authenticated:
        return {}
    profile = DonorProfile.objects.filter(user=user).first()
    return {
        "name": (profile.name if profile else "") or user.full_name,
        "email": user.email,
        "phone": user.phone,
        "anonymous": profile.anonymous_by_default if profile else False,
    }


@limit_posts("pledge")
def pledge_create(request, need_pk):
    need = get_object_or_404(Need.objects.select_related("school__district", "school__province"), pk=need_pk)
    if not need.is_public:
        raise Http404
    initial = {"submission_token": uuid.uuid4(), "kind": Pledge.Kind.MONEY, **_initial_donor(request.user)}
    form = PledgeForm(request.POST or None, initial=initial, need=need)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge, created = services.pledge_create(
                need=need,
                donor=services.DonorDetails(
                    name=data["name"], email=data["email"], phone=data["phone"], user=request.user
                ),
                amount=data["amount"],
                kind=data["kind"],
                goods_description=data["goods_description"],
                message=data["message"],
                anonymous=data["anonymous"],
                submission_token=data["submission_token"],
            )
        except services.PledgeRefused as refused:
            form.add_error("amount" if refused.still_needed else None, refused.message)
            similar = selectors.similar_open_needs(need)
            need.refresh_from_db()
        else:
            if created:
                messages.success(request, _("Thank you! Your pledge is recorded."))
            return redirect(pledge_url(pledge))
    return render(request, "donations/pledge_form.html", {"need": need, "form": form, "similar": similar})


def pledge_detail(request, reference):
    pledge = get_pledge_for_viewing(request, reference)
    account = selectors.receiving_account(pledge.need.school)
    qr = None
    if account and pledge.awaits_transfer:
        qr = vietqr.svg(
            vietqr.Transfer(
                bank_bin=account.bank_bin,
                account_number=account.account_number,
                amount=pledge.amount,
                reference=pledge.reference,
            )
        )
    return render(
        request,
        "donations/pledge_detail.html",
        {
            "pledge": pledge,
            "account": account,
            "qr": qr,
            "is_donor": is_donor(request, pledge),
            "can_confirm": can_confirm(request.user, pledge) and pledge.awaits_receipt,
            "receipt_form": ReceiptForm(initial={"amount": pledge.amount, "received_on": timezone.localdate()}),
            "key": request.GET.get("key", ""),
            "events": list(pledge.events.select_related("actor")),
        },
    )


@require_POST
def pledge_cancel(request, reference):
    pledge = get_pledge_for_viewing(request, reference)
    if not is_donor(request, pledge):
        raise PermissionDenied
    try:
        services.pledge_cancel(pledge=pledge, actor=request.user if request.user.is_authenticated else None)
        messages.success(request, _("Your pledge is cancelled. The need is open to other donors again."))
    except services.PledgeRefused as refused:
        messages.error(request, refused.message)
    return redirect(pledge_url(pledge))


@login_required
@require_POST
def pledge_receive(request, reference):
    pledge = get_pledge_for_viewing(request, reference)
    if not can_confirm(request.user, pledge):
        raise PermissionDenied
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("donations:detail", reference=pledge.reference)
    try:
        services.pledge_receive(
            pledge=pledge,
            actor=request.user,
            amount=form.cleaned_data["amount"],
            received_on=form.cleaned_data["received_on"],
        )
    except services.PledgeRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Receipt confirmed. The donor is told by e-mail."))
    return redirect("donations:detail", reference=pledge.reference)


@login_required
def my_pledges(request):
    return render(
        request,
        "donations/my_pledges.html",
        {"pledges": list(selectors.pledges_of(request.user)), "sponsorships": selectors.sponsorships_of(request.user)},
    )


def pledge_letter(request, reference):
    """The thank-you letter, once the gift has arrived."""
    pledge = get_pledge_for_viewing(request, reference)
    if not pledge.is_received:
        raise Http404
    try:
        pdf = thank_you_pdf(pledge)
    except NoIssuer as problem:  # the school still stands in an abolished commune
        messages.error(request, str(problem))
        detail = reverse("donations:detail", args=[pledge.reference])
        return redirect(pledge_url(pledge) if is_donor(request, pledge) else detail)
    return pdf_response(pdf, f"thu-cam-on-{pledge.reference}.pdf")


@login_required
def statement_upload(request):
    pledges_in_area = pledges_in_officer_area(request.user)
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            statement = services.statement_import(
                actor=request.user, file_name=upload.name, content=upload.read(), pledges_in_area=pledges_in_area
            )
        except statements.StatementError as error:
            form.add_error("file", str(error))
        else:
            return redirect("donations:statement", pk=statement.pk)
    recent = StatementImport.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "donations/statement_upload.html", {"form": form, "recent": recent})


@login_required
def statement_preview(request, pk):
    pledges_in_area = pledges_in_officer_area(request.user)
    statement = get_object_or_404(StatementImport, pk=pk, uploaded_by=request.user)
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
    return render(
        request, "donations/statement_preview.html", {"statement": statement, "groups": statement.rows_by_outcome()}
    )


def honour_roll(request, unit_pk):
    """“Tôn vinh nhà hảo tâm” for a district, a province or a commune."""
    unit = get_object_or_404(AdministrativeUnit, pk=unit_pk)
    return render(request, "donations/honour_roll.html", {"unit": unit, "roll": selectors.kept_unit_honour_roll(unit)})


def transparency_unit(request, unit_pk):
    unit = get_object_or_404(AdministrativeUnit, pk=unit_pk)
    return render(
        request,
        "donations/transparency.html",
        {
            "place": unit,
            "figures": selectors.kept_unit_transparency(unit),
            "honour_url": reverse("donations:honour", args=[unit.pk]),
        },
    )


def transparency_school(request, school_pk):
    school = get_object_or_404(School.objects.select_related("commune", "district", "province"), pk=school_pk)
    schools = School.objects.filter(pk=school.pk)
    return render(
        request,
        "donations/transparency.html",
        {
            "place": school,
            "school": school,
            "figures": selectors.kept_transparency(schools, province_id=school.province_id),
            "roll": selectors.kept_honour_roll(schools, province_id=school.province_id, limit=20),
        },
    )


@login_required
def donor_profile(request):
    profile = DonorProfile.objects.filter(user=request.user).first() or DonorProfile(
        user=request.user, name=request.user.full_name
    )
    form = DonorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.donor_profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your donor profile has been saved."))
        return redirect("donations:mine")
    return render(request, "donations/donor_profile.html", {"form": form})


@login_required
def receiving_account(request, school_pk):
    """The officer chooses which account receives gifts for a school, or adds the school's own."""
    school = get_school_for_routing(request, school_pk)
    current = selectors.receiving_account(school)
    route_form = PaymentRouteForm(
        request.POST if "choose" in request.POST else None,
        accounts=selectors.accounts_for_school(school),
        initial={"account": current},
    )
    account_form = BankAccountForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if "choose" in request.POST and route_form.is_valid():
            try:
                services.payment_route_set(
                    school=school, account=route_form.cleaned_data["account"], actor=request.user
                )
            except services.AccountRefused as refused:
                route_form.add_error("account", refused.message)
            else:
                messages.success(request, _("Gifts for this school now go to the chosen account."))
                return redirect("donations:receiving_account", school_pk=school.pk)
        if "add" in request.POST and account_form.is_valid():
            services.school_account_add(school=school, actor=request.user, **account_form.cleaned_data)
            messages.success(request, _("The school's account has been added. Choose it below to use it."))
            return redirect("donations:receiving_account", school_pk=school.pk)
    return render(
        request,
        "donations/receiving_account.html",
        {"school": school, "current": current, "route_form": route_form, "account_form": account_form},
    )


@login_required
def my_data(request):
    """What the portal holds about me: download it, or erase it."""
    return render(
        request,
        "donations/my_data.html",
        {"data": personal_data.personal_data(request.user), "can_erase": personal_data.can_erase(request.user)},
    )


@login_required
def my_data_download(request):
    data = personal_data.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    return response


@login_required
@require_POST
def my_data_erase(request):
    if not personal_data.can_erase(request.user):
        raise PermissionDenied
    if request.POST.get("confirm") != request.user.email:
        messages.error(request, _("Type your e-mail address exactly to confirm."))
        return redirect("donations:my_data")
    user = request.user
    logout(request)
    done = services.donor_erase(user=user)
    messages.success(
        request,
        _(
            "Your account and personal data are erased. %(cancelled)s pledges not yet paid were cancelled; "
            "%(anonymised)s gifts stay in the schools' figures without your name."
        )
        % done,
    )
    return redirect("home")


# --- programme funds' allocation plans (donations.allocations) ---------------------------


def _sign_and_tell(request, document) -> None:
    """Sign an issued decision with its body's keys and say how it went: a failure leaves
    it issued, numbered and unsigned, to be signed again from its page."""
    from documents.services import sign_issued
    from documents.signing import SigningFailed

    try:
        signed = sign_issued(document=document, user=request.user)
    except SigningFailed as failure:
        messages.error(
            request,
            _("%(number)s is issued but not signed: %(reason)s Sign it again once the key is in order.")
            % {"number": document.number_text, "reason": failure},
        )
        return
    if signed:
        messages.success(request, _("%(number)s is issued and signed.") % {"number": document.number_text})
    else:
        messages.success(request, _("%(number)s is issued.") % {"number": document.number_text})


def _issuing_body(fund):
    """The body that issues the fund's decisions today, or the reason there is none."""
    from documents.issuers import issuing_office

    try:
        return issuing_office(fund.office, timezone.localdate()), ""
    except NoIssuer as problem:
        return None, str(problem)


@login_required
def fund_plans(request, slug):
    """A fund's allocation plans, and a new draft started here."""
    from .allocations import PlanRefused, plan_draft
    from .forms import PlanForm
    from .permissions import get_fund_for_plans, may_draft_plan

    fund = get_fund_for_plans(request, slug)
    can_draft = may_draft_plan(request.user, fund)
    form = PlanForm(request.POST or None) if can_draft else None
    if request.method == "POST":
        if not can_draft:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = plan_draft(fund=fund, actor=request.user, **form.cleaned_data)
            except PlanRefused as refused:
                form.add_error(refused.field, refused.message)
            else:
                messages.success(request, _("The plan is drafted. Add its lines: a need and an amount each."))
                return redirect("donations:plan", pk=plan.pk)
    return render(
        request,
        "donations/fund_plans.html",
        {
            "fund": fund,
            "plans": selectors.plans_of(fund),
            "form": form,
            "can_draft": can_draft,
            # Gifts promised to the fund whose money has not arrived: not yet allocatable.
            "waiting": max(fund.amount_pledged - fund.amount_received, 0),
        },
    )


@login_required
def plan_detail(request, pk):
    """A plan: its lines and totals, the fund's balance before and after it, who drafted
    and approved it, its decision; while a draft, its text and lines are changed here."""
    from django.db.models import Sum

    from documents.forms import IssueForm

    from . import allocations
    from .forms import AllocationLineForm, LineAmountForm, PlanForm
    from .models import AllocationLine
    from .permissions import get_plan_for_viewing, may_approve_plan, may_draft_plan

    plan = get_plan_for_viewing(request, pk)
    fund = plan.fund
    can_edit = plan.is_draft and not plan.is_reversal and may_draft_plan(request.user, fund)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    plan_form = PlanForm(request.POST if action == "save" else None, instance=plan, prefix="plan")
    line_form = AllocationLineForm(request.POST if action == "add_line" else None, fund=fund, plan=plan, prefix="line")
    lines = list(selectors.plan_lines(plan))
    amount_forms = {
        line.pk: LineAmountForm(
            request.POST if action == "amount" and request.POST.get("line") == str(line.pk) else None,
            initial={"amount": line.amount},
            prefix=f"line-{line.pk}",
        )
        for line in lines
    }
    if request.method == "POST":
        if not may_draft_plan(request.user, fund) or (plan.is_reversal and action != "save"):
            raise PermissionDenied
        if not plan.is_draft:  # approved or withdrawn meanwhile (another tab, another officer)
            messages.error(
                request, _("This plan is no longer a draft (it was approved or withdrawn, perhaps in another tab).")
            )
            return redirect("donations:plan", pk=plan.pk)
        try:
            if action == "save" and plan_form.is_valid():
                allocations.plan_update(plan=plan, actor=request.user, **plan_form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("donations:plan", pk=plan.pk)
            if action == "add_line" and line_form.is_valid():
                allocations.line_add(plan=plan, actor=request.user, **line_form.cleaned_data)
                messages.success(request, _("The line is added."))
                return redirect("donations:plan", pk=plan.pk)
            if action == "amount":
                line = get_object_or_404(AllocationLine, pk=request.POST.get("line"), plan=plan)
                form = amount_forms[line.pk]
                if form.is_valid():
                    allocations.line_update(line=line, amount=form.cleaned_data["amount"], actor=request.user)
                    messages.success(request, _("The amount is changed."))
                    return redirect("donations:plan", pk=plan.pk)
            if action == "remove":
                line = get_object_or_404(AllocationLine, pk=request.POST.get("line"), plan=plan)
                allocations.line_remove(line=line, actor=request.user)
                messages.success(request, _("The line is removed."))
                return redirect("donations:plan", pk=plan.pk)
        except allocations.PlanRefused as refused:
            target = {"save": plan_form, "add_line": line_form}.get(action)
            if action == "amount":
                target = amount_forms[int(request.POST["line"])]
                refused.field = "amount" if refused.field == "amount" else None
            if target is None:
                messages.error(request, refused.message)
                return redirect("donations:plan", pk=plan.pk)
            target.add_error(refused.field if refused.field in target.fields else None, refused.message)
    total = sum(line.amount for line in lines)
    body, no_issuer = _issuing_body(fund) if plan.is_draft else (None, "")
    can_approve = may_approve_plan(request.user, plan)
    issue_form = IssueForm(body=body) if (body and can_approve) else None
    sign = -1 if not plan.is_reversal else 1
    return render(
        request,
        "donations/plan_detail.html",
        {
            "plan": plan,
            "fund": fund,
            "lines": [(line, amount_forms[line.pk]) for line in lines],
            "total": total,
            "balance_after": fund.balance + sign * total,
            "can_edit": can_edit,
            "can_withdraw": plan.is_draft and plan.drafted_by_id == request.user.pk,
            "can_approve": can_approve,
            "can_reverse": plan.is_approved
            and not plan.is_reversal
            and may_draft_plan(request.user, fund)
            and any(line.pledge and line.pledge.awaits_receipt and not hasattr(line, "reversed_by") for line in lines),
            "plan_form": plan_form,
            "line_form": line_form,
            "issue_form": issue_form,
            "issuing_body": body,
            "no_issuer": no_issuer,
            "reversals": list(
                plan.reversals.select_related("drafted_by", "approved_by").annotate(total=Sum("lines__amount"))
            ),
        },
    )


@login_required
@require_POST
def plan_approve(request, pk):
    """The second person approves a draft plan with the signer they choose: applied and
    issued in one transaction, then signed."""
    from django.core.exceptions import ValidationError

    from documents.forms import IssueForm

    from . import allocations
    from .permissions import get_plan_for_viewing, may_approve_plan

    plan = get_plan_for_viewing(request, pk)
    if not plan.is_draft:
        messages.error(
            request, _("This plan is no longer a draft (it was approved or withdrawn, perhaps in another tab).")
        )
        return redirect("donations:plan", pk=plan.pk)
    if not may_approve_plan(request.user, plan):
        raise PermissionDenied
    body, no_issuer = _issuing_body(plan.fund)
    form = IssueForm(request.POST, body=body) if body else None
    if form is None or not form.is_valid():
        messages.error(request, no_issuer or _("Choose who signs the decision, among the body's signers."))
        return redirect("donations:plan", pk=plan.pk)
    try:
        allocations.plan_approve(plan=plan, actor=request.user, signer=form.cleaned_data["signer"])
    except allocations.PlanRefused as refused:
        messages.error(request, refused.message)
        return redirect("donations:plan", pk=plan.pk)
    except NoIssuer as problem:
        messages.error(request, str(problem))
        return redirect("donations:plan", pk=plan.pk)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("donations:plan", pk=plan.pk)
    _sign_and_tell(request, plan.document)
    return redirect("donations:plan", pk=plan.pk)


@login_required
@require_POST
def plan_withdraw(request, pk):
    from . import allocations
    from .permissions import get_plan_for_viewing

    plan = get_plan_for_viewing(request, pk)
    if plan.drafted_by_id != request.user.pk:
        raise PermissionDenied
    try:
        allocations.plan_withdraw(plan=plan, actor=request.user)
    except allocations.PlanRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The draft is withdrawn."))
    return redirect("donations:plan", pk=plan.pk)


@login_required
def plan_reverse(request, pk):
    """Draft a reversal of an approved plan: the lines to take back and why."""
    from . import allocations
    from .forms import ReversalForm
    from .permissions import get_plan_for_viewing, may_draft_plan

    plan = get_plan_for_viewing(request, pk)
    if not may_draft_plan(request.user, plan.fund):
        raise PermissionDenied
    if not plan.is_approved or plan.is_reversal:
        messages.error(request, _("Only an approved allocation plan can be reversed."))
        return redirect("donations:plan", pk=plan.pk)
    form = ReversalForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = allocations.reversal_draft(plan=plan, actor=request.user, **form.cleaned_data)
        except allocations.PlanRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("The reversal is drafted. A second person approves it, as for a plan."))
            return redirect("donations:plan", pk=reversal.pk)
    return render(request, "donations/plan_reverse.html", {"plan": plan, "fund": plan.fund, "form": form})


@login_required
def plan_decision(request, pk):
    """An approved plan's decision: the PDF as issued (and signed), never rendered again."""
    from django.http import FileResponse

    from .permissions import get_plan_for_viewing

    plan = get_plan_for_viewing(request, pk)
    document = plan.document
    if document is None or not document.pdf:
        raise Http404
    name = document.number_text.replace("/", "-")
    return FileResponse(
        document.pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )
