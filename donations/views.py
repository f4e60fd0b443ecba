import json
import uuid

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import confirm
from core.cache import cache_public_page
from core.documents import pdf_response
from core.formatting import format_vnd
from core.money import parse_vnd
from core.ratelimit import limit_posts
from documents.issuers import NoIssuer
from documents.views import issuing_body, sign_and_tell
from needs.lunch import lunch_calendar
from needs.models import Need
from schools.models import AdministrativeUnit, Office, School

from . import funds, personal_data, selectors, services, sharecard, sponsorships, vietqr
from .forms import (
    BankAccountForm,
    DonorProfileForm,
    FundForm,
    FundGiftForm,
    LedgerSearchForm,
    PaymentRouteForm,
    PledgeForm,
    ReceiptForm,
    SponsorshipForm,
)
from .letters import thank_you_pdf
from .models import DonorProfile, Fund, Pledge
from .permissions import (
    can_confirm,
    get_fund_for_managing,
    get_pledge_for_viewing,
    get_school_for_routing,
    guest_key,
    is_donor,
    may_manage_fund,
    offices_managing_funds,
    pledge_url,
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
    if need.is_lunch:  # sponsored by pupils and months
        return redirect("donations:sponsor", need_pk=need.pk)
    initial = {"submission_token": uuid.uuid4(), "kind": Pledge.Kind.MONEY, **_initial_donor(request.user)}
    suggestions = selectors.suggested_amounts(need)
    # A suggestion chosen without JavaScript comes back as ?amount=: it fills the field.
    chosen = _suggested_amount(request.GET.get("amount"), need)
    if chosen:
        initial["amount"] = chosen
    form = PledgeForm(request.POST or None, initial=initial, need=need)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge, created = services.pledge_create(
                need=need,
                donor=form.donor(request.user),
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
    return render(
        request,
        "donations/pledge_form.html",
        {"need": need, "form": form, "similar": similar, "suggestions": suggestions, "chosen": chosen},
    )


def _suggested_amount(text, need) -> int | None:
    """The amount of a suggestion link, if it is one the need can take."""
    if not text:
        return None
    try:
        amount = parse_vnd(text)
    except ValidationError:
        return None
    return amount if selectors.SMALLEST_GIFT <= amount <= need.amount_missing else None


def _account_and_transfer(pledge):
    """The account the gift goes to, and the transfer its VietQR code carries (None
    once nothing is left to transfer, or with no account set yet)."""
    if pledge.fund_id:
        account = selectors.receiving_account_of_fund(pledge.fund)
    else:
        account = selectors.receiving_account(pledge.need.school)
    if account is None or not pledge.awaits_transfer:
        return account, None
    transfer = vietqr.Transfer(
        bank_bin=account.bank_bin,
        account_number=account.account_number,
        amount=pledge.amount,
        reference=pledge.reference,
    )
    return account, transfer


def pledge_detail(request, reference):
    pledge = get_pledge_for_viewing(request, reference)
    account, transfer = _account_and_transfer(pledge)
    qr = vietqr.svg(transfer) if transfer else None
    key = request.GET.get("key", "")
    qr_png_url = None
    if transfer:
        qr_png_url = reverse("donations:vietqr_png", args=[pledge.reference]) + (f"?key={key}" if key else "")
    return render(
        request,
        "donations/pledge_detail.html",
        {
            "pledge": pledge,
            "account": account,
            "qr": qr,
            "qr_png_url": qr_png_url,
            "is_donor": is_donor(request, pledge),
            "can_confirm": can_confirm(request.user, pledge) and pledge.awaits_receipt,
            "receipt_form": ReceiptForm(initial={"amount": pledge.amount, "received_on": timezone.localdate()}),
            "key": key,
            "events": list(pledge.events.select_related("actor")),
            **_record_context(request, pledge),
            **_sponsorship_context(request, pledge),
        },
    )


def pledge_vietqr_png(request, reference):
    """The pledge's VietQR code as a picture to save ("Lưu ảnh QR"), for a donor paying
    from the phone that shows it: whoever may see the pledge's page, while a transfer is
    still awaited."""
    pledge = get_pledge_for_viewing(request, reference)
    _account, transfer = _account_and_transfer(pledge)
    if transfer is None:
        raise Http404
    response = HttpResponse(vietqr.png(transfer), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="vietqr-{pledge.reference}.png"'
    # The account and the reference of one person's gift: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _record_context(request, pledge) -> dict:
    """The gift's receipt record (receiving, the layer above): the link to its PDF, or,
    for the school, the way to issue it once the gift has arrived."""
    if pledge.need_id is None or not pledge.is_received:
        return {"receipt_record": None, "can_issue_record": False}
    from receiving.permissions import may_issue_record
    from receiving.selectors import record_of

    record = record_of(pledge)
    return {
        "receipt_record": record if record is not None and record.document_id else None,
        "can_issue_record": record is None and may_issue_record(request.user, pledge),
    }


@require_POST
def pledge_cancel(request, reference):
    pledge = get_pledge_for_viewing(request, reference)
    if not is_donor(request, pledge):
        raise PermissionDenied
    if pledge.can_be_cancelled and not confirm.confirmed(request):
        target = pledge.fund.name if pledge.fund_id else pledge.need.title
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Cancel pledge %(reference)s?") % {"reference": pledge.reference},
                details=[(_("For"), target), (_("Pledged amount"), format_vnd(pledge.amount))],
                what=[
                    _("Your pledge is cancelled and its reference stops working: do not transfer with it."),
                    _("The amount goes back to what the need still lacks, for other donors.")
                    if pledge.need_id
                    else _("The fund no longer counts on this gift."),
                ],
                cannot_undo=_("A cancelled pledge cannot be restored; to give again, make a new pledge."),
                action=_("Yes, cancel my pledge"),
                back=pledge_url(pledge),
            ),
        )
    try:
        services.pledge_cancel(pledge=pledge, actor=request.user if request.user.is_authenticated else None)
        if pledge.fund_id:
            messages.success(request, _("Your pledge to the fund is cancelled."))
        else:
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
    from receiving.selectors import records_by_pledge

    pledges = list(selectors.pledges_of(request.user))
    # The receipt records of the gifts that have them (one query for them all).
    records = records_by_pledge(pledge.pk for pledge in pledges if pledge.is_received and pledge.need_id)
    return render(
        request,
        "donations/my_pledges.html",
        {
            "pledges": pledges,
            "receipt_records": records,
            "sponsorships": selectors.sponsorships_of(request.user),
        },
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


def _public_index(request, *, template: str):
    """The country's landing page for the honour rolls or the transparency pages: this
    year's money and every province, each a link to its own roll and page."""
    year = timezone.localdate().year
    provinces = AdministrativeUnit.objects.filter(level="province", abolished_on__isnull=True).order_by("name")
    return render(
        request,
        template,
        {"figures": selectors.kept_year_figures(year), "provinces": list(provinces.only("pk", "name"))},
    )


@cache_public_page(lambda: ("registry", "ledger"))
def honour_index(request):
    return _public_index(request, template="donations/honour_index.html")


@cache_public_page(lambda: ("registry", "ledger"))
def transparency_index(request):
    return _public_index(request, template="donations/transparency_index.html")


def honour_roll(request, unit_pk):
    """“Tôn vinh nhà hảo tâm” for a district, a province or a commune."""
    unit = get_object_or_404(AdministrativeUnit, pk=unit_pk)
    return render(request, "donations/honour_roll.html", {"unit": unit, "roll": selectors.kept_unit_honour_roll(unit)})


LEDGER_SEARCH_ROWS = 50


def _ledger_search(request, lines) -> dict:
    """The search box of a transparency page and what it found (at most
    LEDGER_SEARCH_ROWS lines), by the ledger's own rule (selectors.ledger_search)."""
    form = LedgerSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        found = [
            selectors.ledger_row(p) for p in selectors.ledger_search(lines, form.cleaned_data["q"])[:LEDGER_SEARCH_ROWS]
        ]
    return {"search_form": form, "found": found, "found_max": LEDGER_SEARCH_ROWS}


def transparency_unit(request, unit_pk):
    unit = get_object_or_404(AdministrativeUnit, pk=unit_pk)
    lines = selectors.ledger_lines(
        schools=School.objects.filter(unit.school_filter()), funds=selectors.funds_in_unit(unit)
    )
    return render(
        request,
        "donations/transparency.html",
        {
            "place": unit,
            "figures": selectors.kept_unit_transparency(unit),
            "honour_url": reverse("donations:honour", args=[unit.pk]),
            "open_data_query": f"unit={unit.pk}",
            **_ledger_search(request, lines),
        },
    )


def transparency_school(request, school_pk):
    from receiving.selectors import published_settlements_of

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
            "settlements": published_settlements_of(school),
            "open_data_query": f"school={school.pk}",
            **_ledger_search(request, selectors.ledger_lines(schools=schools)),
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


# --- Programme funds ------------------------------------------------------------------


def fund_detail(request, slug):
    """A fund's public page: its money to the đồng, its donors, where it was placed."""
    fund = get_object_or_404(Fund.objects.select_related("office__unit", "campaign_link__campaign"), slug=slug)
    try:
        campaign = fund.campaign_link.campaign
    except ObjectDoesNotExist:  # a fund of no campaign
        campaign = None
    return render(
        request,
        "donations/fund_detail.html",
        {
            "fund": fund,
            "campaign": campaign,
            "figures": selectors.fund_figures(fund),
            "roll": selectors.honour_roll_of_fund(fund, limit=50),
            "allocations": selectors.fund_allocations(fund),
            "may_manage": request.user.is_authenticated and may_manage_fund(request.user, fund.office),
            # Open Graph and Twitter tags: a shared link shows the fund's card.
            "share": sharecard.share_meta(request, fund),
        },
    )


@require_GET
def fund_card(request, slug):
    """The picture of a fund's shared link (1200 × 630 JPEG), public like its page."""
    fund = get_object_or_404(Fund.objects.select_related("office__unit"), slug=slug)
    response = HttpResponse(sharecard.card_image(fund), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Lunch sponsorships (donations.sponsorships) ----------------------------------------


@limit_posts("pledge")
def sponsor(request, need_pk):
    """Sponsor pupils' lunches on a lunch need: the monthly amount and the total show as
    the donor types (static/js/lunch.js), and the server works them out too ("Work out
    the amount") for a browser without scripts."""
    need = get_object_or_404(Need.objects.select_related("school__district", "school__province"), pk=need_pk)
    if not need.is_public:
        raise Http404
    if not need.is_lunch:
        return redirect("donations:give", need_pk=need.pk)
    today = timezone.localdate()
    months_left = sponsorships.months_left(need, today=today)
    initial = {"submission_token": uuid.uuid4(), **_initial_donor(request.user)}
    form = SponsorshipForm(request.POST or None, initial=initial, months_left=months_left)
    figures = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = {
            "pupils": data["pupils"],
            "months": data["months"],
            "first_month": data["first_month"],
            "monthly": data["pupils"] * need.lunch_cost,
            "total": data["pupils"] * data["months"] * need.lunch_cost,
        }
        if "preview" not in request.POST:
            try:
                sponsorship, created = sponsorships.sponsorship_create(
                    need=need,
                    donor=form.donor(request.user),
                    pupils=data["pupils"],
                    first_month=data["first_month"],
                    months=data["months"],
                    schedule=data["schedule"],
                    message=data["message"],
                    anonymous=data["anonymous"],
                    submission_token=data["submission_token"],
                    today=today,
                )
            except sponsorships.SponsorshipRefused as refused:
                field = refused.field if refused.field in form.fields else None
                if field == "first_month" and data.get("span") == SponsorshipForm.YEAR:
                    field = None
                form.add_error(field, refused.message)
                need.refresh_from_db()
            else:
                if created:
                    messages.success(request, _("Thank you! Your lunch sponsorship is recorded."))
                first = sponsorships.instalments_of(sponsorship).first()
                return redirect(pledge_url(first))
    return render(
        request,
        "donations/sponsor_form.html",
        {
            "need": need,
            "form": form,
            "figures": figures,
            "months_left": months_left,
            "calendar": lunch_calendar(need, today=today),
        },
    )


# --- programme funds' allocation plans (donations.allocations) ---------------------------


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


@limit_posts("pledge")
def fund_give(request, slug):
    """Give money to a fund, as to a need: with or without an account."""
    fund = get_object_or_404(Fund.objects.select_related("office"), slug=slug)
    initial = {"submission_token": uuid.uuid4(), **_initial_donor(request.user)}
    form = FundGiftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge, created = services.pledge_create(
                fund=fund,
                donor=form.donor(request.user),
                amount=data["amount"],
                message=data["message"],
                anonymous=data["anonymous"],
                submission_token=data["submission_token"],
            )
        except services.PledgeRefused as refused:
            # The form has checked the amount: what is left is the fund's own state (closed).
            form.add_error(None, refused.message)
            fund.refresh_from_db()
        else:
            if created:
                messages.success(request, _("Thank you! Your pledge is recorded."))
            return redirect(pledge_url(pledge))
    return render(request, "donations/fund_give.html", {"fund": fund, "form": form})


@login_required
def fund_list(request):
    """The funds of the offices the officer belongs to, with their money."""
    offices = offices_managing_funds(request.user)
    if not offices and not request.user.is_superuser:
        raise PermissionDenied
    funds = selectors.funds_of_offices(offices) if offices else Fund.objects.select_related("office")
    return render(request, "donations/fund_list.html", {"funds": list(funds[:200]), "can_create": bool(offices)})


def _fund_form_page(request, fund=None):
    offices = Office.objects.filter(pk__in=[o.pk for o in offices_managing_funds(request.user)])
    form = FundForm(request.POST or None, instance=fund, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = funds.fund_save(
                office=fund.office if fund else data["office"],
                actor=request.user,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                is_open=data["is_open"],
                fund=fund,
            )
        except funds.FundRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, _("The fund has been saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "donations/fund_form.html", {"form": form, "fund": fund})


@login_required
def fund_create(request):
    if not offices_managing_funds(request.user):
        raise PermissionDenied
    return _fund_form_page(request)


@login_required
def fund_edit(request, slug):
    fund = get_fund_for_managing(request, slug)
    return _fund_form_page(request, fund)


def _sponsorship_context(request, pledge) -> dict:
    """For a pledge of a lunch sponsorship: its month, and the sponsorship's other
    months with their state (each linked for its donor)."""
    if not pledge.sponsorship_id:
        return {}
    sponsorship = pledge.sponsorship
    donor = is_donor(request, pledge)
    instalments = list(sponsorships.instalments_of(sponsorship))
    for instalment in instalments:
        url = reverse("donations:detail", args=[instalment.reference])
        instalment.link = f"{url}?key={guest_key(instalment)}" if donor and not instalment.donor_id else url
    return {
        "sponsorship": sponsorship,
        "instalments": instalments,
        "can_stop": donor and sponsorship.is_active and sponsorship.schedule == sponsorship.Schedule.MONTHLY,
    }


def sponsorship_stop(request, reference):
    """The donor stops their lunch sponsorship: a confirmation page, then the stop."""
    pledge = get_pledge_for_viewing(request, reference)
    if not pledge.sponsorship_id:
        raise Http404
    if not is_donor(request, pledge):
        raise PermissionDenied
    sponsorship = pledge.sponsorship
    today = timezone.localdate()
    future = [p for p in sponsorships.instalments_of(sponsorship) if p.awaits_receipt and p.due_on and p.due_on > today]
    back = pledge_url(pledge)
    if request.method == "POST":
        try:
            cancelled = sponsorships.sponsorship_stop(
                sponsorship=sponsorship, actor=request.user if request.user.is_authenticated else None, today=today
            )
        except sponsorships.SponsorshipRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Your sponsorship is stopped: %(count)s months not yet due were released to the school's need.")
                % {"count": cancelled},
            )
        return redirect(back)
    return render(
        request,
        "donations/sponsorship_stop.html",
        {
            "pledge": pledge,
            "sponsorship": sponsorship,
            "future": future,
            "key": request.GET.get("key", ""),
            "back": back,
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
    body, no_issuer = issuing_body(fund.office, timezone.localdate()) if plan.is_draft else (None, "")
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
    body, no_issuer = issuing_body(plan.fund.office, timezone.localdate())
    form = IssueForm(request.POST, body=body) if body else None
    if form is None or not form.is_valid():
        messages.error(request, no_issuer or _("Choose who signs the decision, among the body's signers."))
        return redirect("donations:plan", pk=plan.pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Approve this allocation plan?"),
                details=[(_("Fund"), plan.fund.name), (_("Signed by"), str(form.cleaned_data["signer"]))],
                what=[
                    _("The plan's amounts are allocated from the fund to the needs it lists."),
                    _("A decision (QĐ) is issued with the next number of the office's register, then signed."),
                ],
                cannot_undo=_(
                    "An issued decision keeps its number; to take money back, a reversal is drafted and approved."
                ),
                action=_("Yes, approve and issue the decision"),
                back=reverse("donations:plan", args=[plan.pk]),
                danger=False,
            ),
        )
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
    sign_and_tell(request, plan.document)
    return redirect("donations:plan", pk=plan.pk)


@login_required
@require_POST
def plan_withdraw(request, pk):
    from . import allocations
    from .permissions import get_plan_for_viewing

    plan = get_plan_for_viewing(request, pk)
    if plan.drafted_by_id != request.user.pk:
        raise PermissionDenied
    if plan.is_draft and not confirm.confirmed(request):
        return confirm.ask(
            request,
            confirm.Confirmation(
                title=_("Withdraw this draft plan?"),
                details=[(_("Fund"), plan.fund.name)],
                what=[_("The draft is withdrawn: nobody can approve it any more.")],
                cannot_undo=_("A withdrawn draft cannot be brought back; draft a new plan instead."),
                action=_("Yes, withdraw the draft"),
                back=reverse("donations:plan", args=[plan.pk]),
            ),
        )
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
