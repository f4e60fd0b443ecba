import re

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from core.cache import area, cached, query_key
from core.text import WORD, fold
from needs.models import Need
from schools.models import Office, School

from .models import AllocationLine, AllocationPlan, BankAccount, Fund, PaymentRoute, Pledge, Sponsorship


def receiving_account(school) -> BankAccount | None:
    """The officer's choice for the school, else the account of the nearest education
    office that handles it (`School.office_unit_ids`: its commune's or district's, else
    the provincial department's)."""
    route = PaymentRoute.objects.select_related("account").filter(school=school).first()
    if route:
        return route.account
    for unit_id in school.office_unit_ids:
        account = (
            BankAccount.objects.filter(office__unit_id=unit_id, office__kind__in=Office.EDUCATION_KINDS)
            .order_by("pk")
            .first()
        )
        if account:
            return account
    return None


def accounts_for_school(school) -> QuerySet[BankAccount]:
    """The accounts that may receive a school's gifts: its own, and those of the
    education offices that handle it (commune or district, and province)."""
    units = school.office_unit_ids
    return BankAccount.objects.filter(
        Q(school=school) | Q(office__unit_id__in=units, office__kind__in=Office.EDUCATION_KINDS)
    ).select_related("school", "office")


def similar_open_needs(need: Need, *, limit: int = 3) -> list[Need]:
    """Needs a donor can turn to when this one no longer lacks what they offered."""
    candidates = Need.objects.filter(status=Need.Status.VERIFIED, category=need.category).exclude(pk=need.pk)
    nearby = candidates.filter(school__district_id=need.school.district_id) if need.school.district_id else candidates
    found = list(nearby.select_related("school").order_by("-urgency", "-pk")[:limit])
    if len(found) < limit:
        found += list(
            candidates.exclude(pk__in=[n.pk for n in found])
            .select_related("school")
            .order_by("-urgency", "-pk")[: limit - len(found)]
        )
    return found


# Gifts people commonly make, offered below what a need still lacks.
GIFT_TIERS = (200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000)
SMALLEST_GIFT = 1_000


def round_down_nicely(amount: int) -> int:
    """Two significant figures, rounded down (never above what is left): 1.875.000 -> 1.800.000."""
    if amount < 10_000:
        return amount // 1_000 * 1_000
    step = 10 ** (len(str(amount)) - 2)
    return amount // step * step


def typical_gift(need: Need) -> int | None:
    """The median of the last money gifts received for needs of the same kind, or None
    when there are too few to speak of."""
    amounts = sorted(
        Pledge.objects.filter(
            need__category=need.category,
            kind=Pledge.Kind.MONEY,
            status__in=Pledge.RECEIVED_STATUSES,
            source_fund__isnull=True,
            sponsorship__isnull=True,
            received_amount__isnull=False,
        )
        .order_by("-received_on", "-pk")
        .values_list("received_amount", flat=True)[:200]
    )
    if len(amounts) < 3:
        return None
    return amounts[len(amounts) // 2]


def suggested_amounts(need: Need, *, most: int = 5) -> list[dict]:
    """Amounts offered as one-tap choices on the give form: all that the need still
    lacks, half of it, the typical gift to needs of its kind and common tiers; each one
    at most what is left, so a suggestion is never refused."""
    left = need.amount_missing
    if left < SMALLEST_GIFT:
        return []
    chosen = {left: "left"}
    half = round_down_nicely(left // 2)
    if half >= SMALLEST_GIFT:
        chosen.setdefault(half, "half")
    typical = typical_gift(need)
    if typical:
        typical = round_down_nicely(min(typical, left))
        if typical >= SMALLEST_GIFT:
            chosen.setdefault(typical, "typical")
    for tier in sorted((t for t in GIFT_TIERS if t < left), key=lambda t: abs(t - left / 4)):
        if len(chosen) >= most:
            break
        chosen.setdefault(tier, "tier")
    return [{"amount": amount, "kind": chosen[amount]} for amount in sorted(chosen)]


def pledges_of(user) -> QuerySet[Pledge]:
    """The donor's gifts to needs and to funds; a sponsorship's instalments are listed
    with their sponsorship (`sponsorships_of`)."""
    return (
        Pledge.objects.filter(donor=user, sponsorship__isnull=True)
        .select_related("need__school", "fund__office")
        .order_by("-created_at")
    )


def sponsorships_of(user) -> list[Sponsorship]:
    """The donor's lunch sponsorships, newest first, each with its instalments by month
    (`Sponsorship.instalment_list`, `next_due`)."""
    from django.db.models import Prefetch

    return list(
        Sponsorship.objects.filter(donor=user)
        .select_related("need__school")
        .prefetch_related(Prefetch("instalments", queryset=Pledge.objects.order_by("month", "pk")))
        .order_by("-created_at")
    )


def funds_in_unit(unit) -> QuerySet[Fund]:
    """The programme funds of the offices of this unit and of the units inside it."""
    inside = Q(office__unit=unit)
    if unit.level in ("province", "district"):
        inside |= Q(**{f"office__unit__{unit.level}": unit})
    return Fund.objects.filter(inside).select_related("office").order_by("office__name", "name")


def pledges_awaiting_receipt(schools) -> QuerySet[Pledge]:
    # A month of lunches not yet due is not awaited yet (donations.sponsorships).
    from django.utils import timezone

    return (
        Pledge.objects.filter(need__school__in=schools, status=Pledge.Status.PLEDGED)
        .exclude(due_on__gt=timezone.localdate())
        .select_related("need__school")
        .order_by("created_at")
    )


def kept(name: str, schools, *, province_id, compute, extra=()):
    """A public figure over these schools, kept until something in their province changes
    (core.cache): a province's honour roll sums hundreds of thousands of pledges."""
    return cached(
        name, (area(province_id),), compute, timeout=settings.PUBLIC_CACHE_SECONDS, parts=(*query_key(schools), *extra)
    )


def kept_honour_roll(schools, *, province_id, limit: int = 100) -> dict:
    return kept(
        "honour-roll",
        schools,
        province_id=province_id,
        compute=lambda: honour_roll(schools, limit=limit),
        extra=(limit,),
    )


def kept_transparency(schools, *, province_id) -> dict:
    return kept("transparency", schools, province_id=province_id, compute=lambda: transparency(schools))


def kept_unit_honour_roll(unit, *, limit: int = 100) -> dict:
    return cached(
        "honour-roll-unit",
        (area(unit.province_id or unit.pk),),
        lambda: honour_roll(School.objects.filter(unit.school_filter()), funds=funds_in_unit(unit), limit=limit),
        timeout=settings.PUBLIC_CACHE_SECONDS,
        parts=(unit.pk, limit),
    )


def kept_unit_transparency(unit) -> dict:
    return cached(
        "transparency-unit",
        (area(unit.province_id or unit.pk),),
        lambda: transparency(School.objects.filter(unit.school_filter()), funds=funds_in_unit(unit)),
        timeout=settings.PUBLIC_CACHE_SECONDS,
        parts=(unit.pk,),
    )


def honour_roll(schools, *, funds=None, limit: int = 100) -> dict:
    """Donors whose gifts arrived in these schools (and in these programme funds), most
    generous first.

    Anonymous gifts count in the total but bring no name; e-mails never leave here. A
    fund's allocation to a need is not a donor's gift: its donors are honoured for their
    gift to the fund, once.
    """
    given_to = Q(need__school__in=schools)
    if funds is not None:
        given_to |= Q(fund__in=funds)
    return _roll(Pledge.objects.filter(given_to), limit=limit)


def honour_roll_of_needs(needs, *, limit: int = 100) -> dict:
    """Donors whose gifts arrived for these needs (a campaign's), as `honour_roll`."""
    return _roll(Pledge.objects.filter(need__in=needs), limit=limit)


def honour_roll_of_fund(fund, *, limit: int = 100) -> dict:
    """Donors whose gifts arrived in this fund, as `honour_roll`."""
    return _roll(Pledge.objects.filter(fund=fund), limit=limit)


def _roll(pledges, *, limit: int) -> dict:
    from django.db.models import Count, Max, Sum

    # Money a fund placed on a need was counted as its donors' gifts to the fund.
    given = pledges.filter(status__in=Pledge.RECEIVED_STATUSES, source_fund__isnull=True)
    named = (
        given.filter(anonymous=False)
        .values("donor_email")
        .annotate(name=Max("donor_name"), total=Sum("received_amount"), gifts=Count("pk"))
        .order_by("-total", "name")[:limit]
    )
    totals = given.aggregate(
        total=Sum("received_amount"), gifts=Count("pk"), donors=Count("donor_email", distinct=True)
    )
    anonymous = given.filter(anonymous=True).aggregate(total=Sum("received_amount"), gifts=Count("pk"))
    return {
        "donors": [{"name": row["name"], "total": row["total"], "gifts": row["gifts"]} for row in named],
        "total": totals["total"] or 0,
        "gifts": totals["gifts"],
        "donor_count": totals["donors"],
        "anonymous_total": anonymous["total"] or 0,
        "anonymous_gifts": anonymous["gifts"],
    }


def transparency(schools, *, funds=None) -> dict:
    """Money and goods pledged, received and delivered for these schools, and their
    needs by status: public figures only. Money is split by where it came from: donors
    straight to a need, or a programme fund's allocation (whose đồng came in once, as a
    gift to the fund: `funds` lists each fund's money in and out, so no đồng is counted
    twice)."""
    from django.db.models import Count, Sum

    # Money from donors, money from funds, goods: one query for the three.
    sources = {
        "money": Q(kind=Pledge.Kind.MONEY, source_fund__isnull=True),
        "allocated": Q(kind=Pledge.Kind.MONEY, source_fund__isnull=False),
        "goods": Q(kind=Pledge.Kind.GOODS),
    }
    sums = Pledge.objects.filter(need__school__in=schools).aggregate(
        **{
            f"{name}_{figure}": Sum(column, filter=source & status)
            for name, source in sources.items()
            for figure, column, status in (
                ("pledged", "amount", Q(status__in=Pledge.ACTIVE_STATUSES)),
                ("received", "received_amount", Q(status__in=Pledge.RECEIVED_STATUSES)),
                ("delivered", "received_amount", Q(status=Pledge.Status.DELIVERED)),
            )
        }
    )

    def money(name):
        return {figure: sums[f"{name}_{figure}"] or 0 for figure in ("pledged", "received", "delivered")}

    needs = Need.objects.filter(school__in=schools).public()
    by_status = dict(needs.values_list("status").annotate(n=Count("pk")))
    requested = needs.aggregate(total=Sum("amount_requested"))["total"] or 0
    fund_rows = []
    if funds is not None:
        fund_rows = [
            {
                "name": fund.name,
                "url": fund.get_absolute_url(),
                "office": fund.office.name,
                "pledged": fund.amount_pledged,
                "received": fund.amount_received,
                "allocated": fund.amount_allocated,
                "balance": fund.balance,
            }
            for fund in funds
        ]
    return {
        "money": money("money"),
        "allocated": money("allocated"),
        "goods": money("goods"),
        "funds": fund_rows,
        "funds_total": {
            key: sum(row[key] for row in fund_rows) for key in ("pledged", "received", "allocated", "balance")
        },
        "needs_by_status": [(Need.Status(s).label, by_status.get(s, 0)) for s in Need.PUBLIC_STATUSES],
        "requested": requested,
    }


# --- Programme funds ------------------------------------------------------------------


def receiving_account_of_fund(fund) -> BankAccount | None:
    """Where gifts to a fund go: its office's account, else its province's education
    department's."""
    account = BankAccount.objects.filter(office_id=fund.office_id).order_by("pk").first()
    if account:
        return account
    unit = fund.office.unit
    return (
        BankAccount.objects.filter(
            office__unit_id=unit.province_id or unit.pk, office__kind=Office.Kind.EDUCATION_DEPARTMENT
        )
        .order_by("pk")
        .first()
    )


def fund_figures(fund) -> dict:
    """A fund's money to the đồng: pledged and still awaited, arrived, allocated by
    approved plans, and what is left to allocate."""
    awaiting = fund.gifts.filter(status=Pledge.Status.PLEDGED).aggregate(total=Sum("amount"))["total"] or 0
    return {
        "awaiting": awaiting,
        "received": fund.amount_received,
        "allocated": fund.amount_allocated,
        "balance": fund.balance,
    }


def fund_allocations(fund) -> list:
    """The lines of the fund's approved allocation plans still standing (not reversed by
    an approved reversal), with their need and school."""
    approved = AllocationPlan.Status.APPROVED
    return list(
        AllocationLine.objects.filter(plan__fund=fund, plan__status=approved, plan__kind=AllocationPlan.Kind.ALLOCATION)
        .exclude(reversed_by__plan__status=approved)
        .select_related("need__school", "plan")
        .order_by("plan__approved_at", "pk")
    )


def funds_of_offices(offices) -> QuerySet[Fund]:
    return Fund.objects.filter(office__in=offices).select_related("office").order_by("office__name", "name")


# --- programme funds' allocation plans -------------------------------------------------


def needs_open_to(fund):
    """The needs a plan of this fund may place money on: verified (open for gifts), not a
    lunch need, in a school the fund's office handles, still lacking money."""
    from django.db.models import F

    return (
        Need.objects.filter(
            fund.office.unit.office_school_filter("school__"),
            status=Need.Status.VERIFIED,
            lunch_pupils__isnull=True,
            amount_requested__gt=F("amount_pledged"),
        )
        .select_related("school")
        .order_by("school__name", "title", "pk")
    )


def plans_of(fund):
    """A fund's plans, newest first, with their totals and who drafted and approved them
    (one query)."""
    from django.db.models import Count, Sum

    from .models import AllocationPlan

    return (
        AllocationPlan.objects.filter(fund=fund)
        .select_related("drafted_by", "approved_by", "document", "reverses")
        .annotate(total=Sum("lines__amount"), line_count=Count("lines"))
        .order_by("-drafted_at", "-pk")
    )


def plan_lines(plan):
    from .models import AllocationLine

    return (
        AllocationLine.objects.filter(plan=plan)
        .select_related("need__school", "pledge", "reverses__plan", "reversed_by__plan")
        .order_by("pk")
    )


# --- the public ledger ------------------------------------------------------------------

# What the ledger writes for a donor who asked not to be named (the honour roll gives no
# name at all): data, the same in every language.
ANONYMOUS_NAME = "ẩn danh"
# A reference as donors type it into a transfer: "DU" and six characters (models.new_reference).
REFERENCE = re.compile(r"^DU[A-Z2-9]{6}$")


def ledger_lines(*, schools=None, funds=None, received_from=None, received_to=None) -> QuerySet[Pledge]:
    """Every gift that arrived, one line each: to a need (in these schools) or to a
    programme fund (these funds), oldest line first by id.

    The honour roll's rule: a fund's allocation to a need is not a donor's gift (its money
    came in once, as a gift to the fund, and is listed there; the allocations are public
    on their own). Only public columns are loaded: never an e-mail, a phone, a message.
    """
    lines = Pledge.objects.filter(status__in=Pledge.RECEIVED_STATUSES, source_fund__isnull=True)
    if schools is not None or funds is not None:
        given_to = Q(pk__in=[])
        if schools is not None:
            given_to |= Q(need__school__in=schools)
        if funds is not None:
            given_to |= Q(fund__in=funds)
        lines = lines.filter(given_to)
    if received_from:
        lines = lines.filter(received_on__gte=received_from)
    if received_to:
        lines = lines.filter(received_on__lte=received_to)
    return (
        lines.select_related("need", "fund")
        .only(
            "pk",
            "reference",
            "kind",
            "received_amount",
            "received_on",
            "anonymous",
            "donor_name",
            "need__id",
            "need__title",
            "fund__id",
            "fund__slug",
            "fund__name",
        )
        .order_by("pk")
    )


def ledger_row(pledge: Pledge) -> dict:
    """One ledger line as the public sees it (the API, its CSV, the transparency page)."""
    return {
        "id": pledge.pk,
        "reference": pledge.reference,
        "received_on": pledge.received_on,
        "kind": pledge.kind,
        "amount": pledge.received_amount or 0,
        "need_id": pledge.need_id,
        "need_title": pledge.need.title if pledge.need_id else None,
        "fund_slug": pledge.fund.slug if pledge.fund_id else None,
        "fund_name": pledge.fund.name if pledge.fund_id else None,
        "donor": pledge.public_name or ANONYMOUS_NAME,
        "anonymous": not pledge.public_name,
    }


def ledger_search(lines: QuerySet[Pledge], text: str) -> QuerySet[Pledge]:
    """The ledger lines a donor looks for: by reference ("DU4K7M2P"), by the amount that
    arrived typed the Vietnamese way ("1.250.000"), or by the public name, accents or not
    ("tran thu ha"). An anonymous gift is found by its reference or amount only."""
    from django import forms

    from core.forms import VndField

    text = (text or "").strip()
    if not text:
        return lines.none()
    wanted = Q(pk__in=[])
    if REFERENCE.match(text.upper()):
        wanted |= Q(reference=text.upper())
    try:
        amount = VndField(required=False).clean(text)
    except forms.ValidationError:
        amount = None
    if amount:
        wanted |= Q(received_amount=amount)
    words = WORD.findall(fold(text))
    if words and amount is None:
        by_name = Q()
        for word in words:
            by_name &= Q(search_name__contains=word)
        wanted |= by_name
    return lines.filter(wanted)


def received_totals(*, unit=None, received_from=None, received_to=None) -> list[dict]:
    """Money and goods that arrived, by province (of the school, or of the fund's office)
    and month: one query for the sums, one for the places' names."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce, TruncMonth

    from schools.models import AdministrativeUnit

    schools = funds = None
    if unit is not None:
        schools, funds = School.objects.filter(unit.school_filter()), funds_in_unit(unit)
    lines = ledger_lines(schools=schools, funds=funds, received_from=received_from, received_to=received_to)
    rows = list(
        lines.order_by()
        .annotate(
            place=Coalesce("need__school__province_id", "fund__office__unit__province_id", "fund__office__unit_id"),
            received_month=TruncMonth("received_on"),
        )
        .values("place", "received_month")
        .annotate(received=Sum("received_amount"), gifts=Count("pk"))
        .order_by("received_month", "place")
    )
    names = dict(AdministrativeUnit.objects.filter(pk__in={r["place"] for r in rows}).values_list("pk", "name"))
    return [
        {
            "province_id": row["place"],
            "province": names.get(row["place"], ""),
            "month": row["received_month"].strftime("%Y-%m"),
            "received": row["received"] or 0,
            "gifts": row["gifts"],
        }
        for row in rows
    ]


def year_figures(year: int) -> dict:
    """Money raised and delivered in one calendar year across the country (the home page
    and the transparency landing page), counted once as `transparency` counts it:

    raised: donors' money that arrived that year, to a need or to a programme fund (the
    ledger's lines: a fund's allocation to a need is never raised again);
    delivered: money whose need was delivered that year, from donors straight to the
    need or allocated from a fund (each đồng reaches a school once).
    """
    from datetime import date, datetime, time

    from django.db.models import Count
    from django.utils import timezone

    raised = (
        ledger_lines(received_from=date(year, 1, 1), received_to=date(year, 12, 31))
        .filter(kind=Pledge.Kind.MONEY)
        .aggregate(total=Sum("received_amount"), gifts=Count("pk"))
    )
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    delivered = Pledge.objects.filter(
        kind=Pledge.Kind.MONEY,
        status=Pledge.Status.DELIVERED,
        need__delivered_at__gte=start,
        need__delivered_at__lt=end,
    ).aggregate(total=Sum("received_amount"), needs=Count("need", distinct=True))
    return {
        "year": year,
        "raised": raised["total"] or 0,
        "gifts": raised["gifts"],
        "delivered": delivered["total"] or 0,
        "needs_delivered": delivered["needs"],
    }


def kept_year_figures(year: int) -> dict:
    """`year_figures`, kept until money arrives or is allocated anywhere (the ledger's
    namespace, donations.signals.LEDGER) or PUBLIC_CACHE_SECONDS pass."""
    return cached(
        "year-figures", ("ledger",), lambda: year_figures(year), timeout=settings.PUBLIC_CACHE_SECONDS, parts=(year,)
    )


def allocation_lines(*, fund=None) -> QuerySet[AllocationLine]:
    """The lines of approved allocation plans still standing (as `fund_allocations`), of
    one fund or of all, with their fund, need and decision; oldest first by id."""
    approved = AllocationPlan.Status.APPROVED
    lines = AllocationLine.objects.filter(plan__status=approved, plan__kind=AllocationPlan.Kind.ALLOCATION).exclude(
        reversed_by__plan__status=approved
    )
    if fund is not None:
        lines = lines.filter(plan__fund=fund)
    return lines.select_related("plan__fund", "plan__document", "need__school").order_by("pk")


# --- bank statements ----------------------------------------------------------------------

MATCH_CANDIDATES = 20


def match_candidates(pledges_in_area, *, amount: int | None, query: str = "") -> list[Pledge]:
    """Waiting money pledges an officer may match a statement line to: those of the
    line's amount first, then the newest; narrowed by a reference, an amount or a name."""
    from django.db.models import Case, IntegerField, Value, When

    pledges = pledges_in_area.filter(status=Pledge.Status.PLEDGED, kind=Pledge.Kind.MONEY)
    query = " ".join(query.split())[:100]
    if query:
        compact = query.replace(" ", "").upper()
        digits = re.sub(r"[.,\s₫]|vnd|đ", "", query.lower())
        wanted = Q(reference__icontains=compact) | Q(donor_name__icontains=query) | Q(search_name__contains=fold(query))
        if digits.isdigit() and len(digits) <= 15:
            wanted |= Q(amount=int(digits))
        pledges = pledges.filter(wanted)
    return list(
        pledges.select_related("need__school", "fund")
        .annotate(
            other_amount=Case(When(amount=amount or 0, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("other_amount", "-created_at", "-pk")[:MATCH_CANDIDATES]
    )


def column_names(bank: str, office):
    """The column names read from `bank`'s statements for an officer of `office`: the
    office's own, else those saved for every office, else the public description's."""
    from .models import StatementColumnMap
    from .statement_banks import DEFAULTS, from_saved

    saved = {
        m.office_id: m
        for m in StatementColumnMap.objects.filter(bank=bank).filter(
            Q(office__isnull=True) | Q(office=office) if office else Q(office__isnull=True)
        )
    }
    if office and office.pk in saved:
        return from_saved(saved[office.pk])
    if None in saved:
        return from_saved(saved[None])
    return DEFAULTS[bank]


def statement_groups(statement) -> dict[str, list[dict]]:
    """The preview's rows by outcome, each with `key` and the hand-made match of its bank
    line (`manual`, a StatementLine) if there is one."""
    manual = {
        line.transaction: line for line in statement.lines.filter(manual=True).select_related("pledge", "matched_by")
    }
    return {
        outcome: [{**row, "manual": manual.get(statement.line_key(row))} for row in rows]
        for outcome, rows in statement.rows_by_outcome().items()
    }
