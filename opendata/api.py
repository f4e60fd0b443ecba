"""The public open-data API, /api/v1/ (django-ninja): public needs, schools' profile
figures, programme funds, their allocations, received totals by place and month, and the
ledger of every gift that arrived. Read-only, no sign-in.

Each list is a page of rows ordered by id after an opaque cursor (the last id, signed),
with the filters of the browse pages (needs.filters, schools.filters), the same page as
CSV (`<list>.csv`), rate limited (core.ratelimit, ACCOUNT_RATE_LIMITS["open_data"]) and
cached (core.cache, bumped by each app's signals.py). Every refusal is a JSON error with
its status and the parameter at fault; nothing personal leaves (schemas.py)."""

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError

from core.cache import cached, query_key
from core.exports import csv_response
from core.ratelimit import over_limit
from donations import selectors as ledger
from donations.models import Fund
from donations.signals import LEDGER
from needs.filters import NeedFilter
from needs.models import Need, NeedItem
from schools.filters import SchoolFilter
from schools.models import AdministrativeUnit, School

from . import schemas as s

api = NinjaAPI(
    title="Điều ước cho em – open data",
    version="1",
    description=(
        "Public needs, schools (profile figures), programme funds and their allocations, received "
        "totals by place and month, and the ledger of every gift that arrived. Read-only, no sign-in. "
        "Lists are pages ordered by id: pass `next_cursor` back as `cursor`. Each list has a CSV twin "
        "(`/ledger.csv`, ...) with the same filters. Amounts are whole VND. Never an e-mail, a phone "
        "or a pupil; an anonymous donor is written \u201c\u1ea9n danh\u201d."
    ),
    urls_namespace="opendata",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS = {400: s.Error, 422: s.Error, 429: s.Error}
CURSOR_SALT = "opendata.cursor"


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: dict | None = None):
        self.status, self.detail, self.errors = status, detail, errors or {}


class RateLimited(Exception):
    pass


@api.exception_handler(ApiError)
def _api_error(request, error: ApiError):
    return api.create_response(request, {"detail": error.detail, "errors": error.errors}, status=error.status)


@api.exception_handler(ValidationError)
def _invalid(request, error: ValidationError):
    """Ninja's own check of the parameters (types, ranges, dates): which one, and why."""
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in ("query", "path")]
        # A check over several parameters (`from` after `to`) has no one name.
        name = location[-1] if location else "query"
        errors.setdefault(name, []).append(str(problem.get("msg", "")))
    return api.create_response(request, {"detail": _("Some parameters are not valid."), "errors": errors}, status=422)


@api.exception_handler(RateLimited)
def _rate_limited(request, error):
    response = api.create_response(
        request, {"detail": _("Too many requests: wait a minute and try again."), "errors": {}}, status=429
    )
    response["Retry-After"] = "60"
    return response


@api.exception_handler(Http404)
def _not_found(request, error):
    return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)


# --- the shared steps ----------------------------------------------------------------


def _guard(request) -> None:
    if over_limit(request, "open_data"):
        raise RateLimited


def _cursor_of(pk: int) -> str:
    return signing.dumps(pk, salt=CURSOR_SALT)


def _after(cursor: str | None) -> int:
    """The last id of the previous page, from its cursor; 0 for the first page."""
    if not cursor:
        return 0
    try:
        after = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        after = None
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ApiError(400, _("This cursor was not given by this API."), {"cursor": [_("Not a valid cursor.")]})
    return after


def _page(query: s.Query, rows: QuerySet, *, name: str, namespaces: tuple, to_row: Callable, timeout=None) -> dict:
    """One page of `rows` after the query's cursor, as plain data, kept in the cache until
    one of `namespaces` changes."""
    after = _after(query.cursor)
    rows = rows.order_by("pk")

    def compute():
        found = list(rows.filter(pk__gt=after)[: query.limit + 1])
        more = len(found) > query.limit
        found = found[: query.limit]
        return {
            "results": [to_row(row) for row in found],
            "next_cursor": _cursor_of(found[-1].pk) if more else None,
            "limit": query.limit,
        }

    return cached(
        f"api:{name}",
        namespaces,
        compute,
        timeout=timeout or settings.PUBLIC_CACHE_SECONDS,
        parts=(*query_key(rows), after, query.limit),
    )


def _csv(name: str, page: dict, headers: list[str]) -> HttpResponse:
    rows = [[row.get(h) for h in headers] for row in page["results"]]
    response = csv_response(name, headers, rows)
    if page["next_cursor"]:
        response["X-Next-Cursor"] = page["next_cursor"]
    return response


def _unit(unit_id: int | None, field: str = "unit") -> AdministrativeUnit | None:
    if unit_id is None:
        return None
    unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ApiError(422, _("Some parameters are not valid."), {field: [_("No place has this id.")]})
    return unit


def _filtered(filterset_class, query, fields, queryset) -> QuerySet:
    """The browse page's own filters (the same rules, the same messages)."""
    data = {name: str(value) for name, value in query.dict().items() if name in fields and value is not None}
    found = filterset_class(data, queryset=queryset)
    # The browse page offers a district only inside the chosen province (its menus); a
    # script may name any current district or commune on its own.
    for level in ("district", "commune"):
        current = AdministrativeUnit.objects.filter(abolished_on__isnull=True, level=level)
        found.filters[level].queryset = found.form.fields[level].queryset = current
    if not found.is_valid():
        errors = {name: [str(message) for message in messages] for name, messages in found.errors.items()}
        raise ApiError(422, _("Some parameters are not valid."), errors)
    return found.qs


CSV_OPENAPI = {
    "responses": {
        "200": {
            "description": "CSV, UTF-8 with a byte-order mark.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


# --- needs ---------------------------------------------------------------------------

NEED_FILTERS = ("q", "category", "province", "district", "commune", "level", "status")


def _place(school) -> dict:
    return {
        "province_id": school.province_id,
        "province": school.province.name,
        "district_id": school.district_id,
        "district": school.district.name if school.district_id else None,
        "commune_id": school.commune_id,
        "commune": school.commune.name,
    }


def _need_row(need: Need) -> dict:
    return {
        **_place(need.school),
        "id": need.pk,
        "title": need.title,
        "category": need.category,
        "status": need.status,
        "school_id": need.school_id,
        "school": need.school.name,
        "pupils_benefiting": need.pupils_benefiting,
        "urgency": need.urgency,
        "wanted_by": need.wanted_by,
        "amount_requested": need.amount_requested,
        "amount_pledged": need.amount_pledged,
        "amount_received": need.amount_received,
        "url": need.get_absolute_url(),
    }


def _need_page(request, query) -> dict:
    _guard(request)
    rows = _filtered(NeedFilter, query, NEED_FILTERS, Need.objects.public())
    return _page(
        query,
        rows.select_related("school__province", "school__district", "school__commune"),
        name="needs",
        namespaces=("public-needs", LEDGER),
        to_row=_need_row,
        timeout=settings.PUBLIC_LIST_SECONDS,
    )


@api.get("/needs", response={200: s.NeedPage, **ERRORS}, summary="Public needs", tags=["needs"])
def needs(request, query: Query[s.NeedQuery]):
    """Needs published by schools (verified, funded, delivered, closed), filtered as on the browse page."""
    return _need_page(request, query)


@api.get("/needs.csv", response=ERRORS, openapi_extra=CSV_OPENAPI, summary="Public needs (CSV)", tags=["needs"])
def needs_csv(request, query: Query[s.csv_query(s.NeedQuery)]):
    return _csv("needs", _need_page(request, query), list(s.NeedOut.model_fields))


@api.get(
    "/needs/{need_id}", response={200: s.NeedDetailOut, 404: s.Error, **ERRORS}, summary="One need", tags=["needs"]
)
def need(request, need_id: int = Path(..., ge=1, le=s.MAX_ID)):
    _guard(request)

    def compute():
        found = (
            Need.objects.public()
            .select_related("school__province", "school__district", "school__commune")
            .prefetch_related(Prefetch("items", queryset=NeedItem.objects.order_by("position", "pk")))
            .filter(pk=need_id)
            .first()
        )
        if found is None:
            return {}
        return {
            **_need_row(found),
            "description": found.description,
            "items": [
                {"description": i.description, "quantity": i.quantity, "unit": i.unit, "unit_cost": i.unit_cost}
                for i in found.items.all()
            ],
        }

    data = cached("api:need", (f"need:{need_id}",), compute, timeout=settings.PUBLIC_CACHE_SECONDS, parts=(need_id,))
    if not data:
        raise Http404
    return data


# --- schools -------------------------------------------------------------------------

SCHOOL_FILTERS = ("q", "province", "district", "commune", "level")


def _school_row(school: School) -> dict:
    return {
        **_place(school),
        "id": school.pk,
        "code": school.code,
        "name": school.name,
        "level": school.level,
        "pupils": school.pupils,
        "ethnic_minority_percent": school.ethnic_minority_percent,
        "boarding": school.boarding,
        "sites": [
            {
                "name": site.name,
                "village": site.village,
                "distance_km": float(site.distance_km) if site.distance_km is not None else None,
                "pupils": site.pupils,
                "electricity": site.electricity,
                "water_source": site.water_source,
                "toilet": site.toilet,
            }
            for site in school.sites.all()
        ],
        "url": school.get_absolute_url(),
    }


def _school_page(request, query) -> dict:
    _guard(request)
    rows = _filtered(SchoolFilter, query, SCHOOL_FILTERS, School.objects.all())
    return _page(
        query,
        rows.select_related("province", "district", "commune").prefetch_related("sites"),
        name="schools",
        namespaces=("registry",),
        to_row=_school_row,
    )


@api.get("/schools", response={200: s.SchoolPage, **ERRORS}, summary="Schools (profile figures)", tags=["schools"])
def schools(request, query: Query[s.SchoolQuery]):
    """Each school's place, level, pupils and satellite sites: figures, never people."""
    return _school_page(request, query)


SCHOOL_CSV = [name for name in s.SchoolOut.model_fields if name != "sites"] + ["sites"]


@api.get("/schools.csv", response=ERRORS, openapi_extra=CSV_OPENAPI, summary="Schools (CSV)", tags=["schools"])
def schools_csv(request, query: Query[s.csv_query(s.SchoolQuery)]):
    page = _school_page(request, query)
    # One line per school: its sites are counted, their figures are in the JSON.
    page = {**page, "results": [{**row, "sites": len(row["sites"])} for row in page["results"]]}
    return _csv("schools", page, SCHOOL_CSV)


# --- programme funds and their allocations -------------------------------------------


def _fund_row(fund: Fund) -> dict:
    return {
        "id": fund.pk,
        "slug": fund.slug,
        "name": fund.name,
        "office": fund.office.name,
        "description": fund.description,
        "is_open": fund.is_open,
        "amount_pledged": fund.amount_pledged,
        "amount_received": fund.amount_received,
        "amount_allocated": fund.amount_allocated,
        "balance": fund.balance,
        "url": fund.get_absolute_url(),
    }


def _fund_page(request, query) -> dict:
    _guard(request)
    unit = _unit(query.unit)
    rows = ledger.funds_in_unit(unit) if unit else Fund.objects.select_related("office")
    if query.open is not None:
        rows = rows.filter(is_open=query.open)
    return _page(query, rows, name="funds", namespaces=(LEDGER,), to_row=_fund_row)


@api.get("/funds", response={200: s.FundPage, **ERRORS}, summary="Programme funds", tags=["funds"])
def funds(request, query: Query[s.FundQuery]):
    """Education offices' programme funds: money pledged, received, allocated to needs, left."""
    return _fund_page(request, query)


@api.get("/funds.csv", response=ERRORS, openapi_extra=CSV_OPENAPI, summary="Programme funds (CSV)", tags=["funds"])
def funds_csv(request, query: Query[s.csv_query(s.FundQuery)]):
    return _csv("funds", _fund_page(request, query), list(s.FundOut.model_fields))


@api.get(
    "/funds/{slug}", response={200: s.FundOut, 404: s.Error, **ERRORS}, summary="One programme fund", tags=["funds"]
)
def fund(request, slug: str = Path(..., max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")):
    _guard(request)

    def compute():
        found = Fund.objects.select_related("office").filter(slug=slug).first()
        return _fund_row(found) if found else {}

    data = cached("api:fund", (LEDGER,), compute, timeout=settings.PUBLIC_CACHE_SECONDS, parts=(slug,))
    if not data:
        raise Http404
    return data


def _allocation_row(line) -> dict:
    plan, document = line.plan, line.plan.document
    return {
        "id": line.pk,
        "fund_slug": plan.fund.slug,
        "fund": plan.fund.name,
        "need_id": line.need_id,
        "need": line.need.title,
        "school_id": line.need.school_id,
        "school": line.need.school.name,
        "amount": line.amount,
        "decision": document.number_text if document else None,
        "decision_date": document.issued_on if document else None,
        "approved_at": plan.approved_at,
    }


def _fund_named(slug: str | None) -> Fund | None:
    if slug is None:
        return None
    found = Fund.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(422, _("Some parameters are not valid."), {"fund": [_("No fund has this address.")]})
    return found


def _allocation_page(request, query) -> dict:
    _guard(request)
    rows = ledger.allocation_lines(fund=_fund_named(query.fund))
    return _page(query, rows, name="allocations", namespaces=(LEDGER,), to_row=_allocation_row)


@api.get("/allocations", response={200: s.AllocationPage, **ERRORS}, summary="Allocations", tags=["funds"])
def allocations(request, query: Query[s.AllocationQuery]):
    """The lines of approved allocation plans still standing: fund, need, amount, decision."""
    return _allocation_page(request, query)


@api.get("/allocations.csv", response=ERRORS, openapi_extra=CSV_OPENAPI, summary="Allocations (CSV)", tags=["funds"])
def allocations_csv(request, query: Query[s.csv_query(s.AllocationQuery)]):
    return _csv("allocations", _allocation_page(request, query), list(s.AllocationOut.model_fields))


# --- the ledger and its totals -------------------------------------------------------


def _ledger_page(request, query) -> dict:
    _guard(request)
    unit = _unit(query.unit)
    schools_in = funds_in = None
    if unit is not None:
        schools_in, funds_in = School.objects.filter(unit.school_filter()), ledger.funds_in_unit(unit)
    rows = ledger.ledger_lines(
        schools=schools_in, funds=funds_in, received_from=query.received_from, received_to=query.received_to
    )
    if query.school is not None:
        if not School.objects.filter(pk=query.school).exists():
            raise ApiError(422, _("Some parameters are not valid."), {"school": [_("No school has this id.")]})
        rows = rows.filter(need__school_id=query.school)
    if query.need is not None:
        if not Need.objects.public().filter(pk=query.need).exists():
            raise ApiError(422, _("Some parameters are not valid."), {"need": [_("No public need has this id.")]})
        rows = rows.filter(need_id=query.need)
    fund_found = _fund_named(query.fund)
    if fund_found is not None:
        rows = rows.filter(fund=fund_found)
    if query.q:
        rows = ledger.ledger_search(rows, query.q)
    return _page(query, rows, name="ledger", namespaces=(LEDGER,), to_row=ledger.ledger_row)


@api.get("/ledger", response={200: s.LedgerPage, **ERRORS}, summary="The ledger of received gifts", tags=["ledger"])
def ledger_list(request, query: Query[s.LedgerQuery]):
    """Every gift that arrived, to a need or to a programme fund: date, what it was for, amount,
    the donor's public name (or \u201c\u1ea9n danh\u201d) and the transfer's reference."""
    return _ledger_page(request, query)


@api.get("/ledger.csv", response=ERRORS, openapi_extra=CSV_OPENAPI, summary="The ledger (CSV)", tags=["ledger"])
def ledger_csv(request, query: Query[s.csv_query(s.LedgerQuery)]):
    return _csv("ledger", _ledger_page(request, query), list(s.LedgerOut.model_fields))


def _totals(request, query) -> list:
    _guard(request)
    unit = _unit(query.unit)
    return cached(
        "api:totals",
        (LEDGER,),
        lambda: ledger.received_totals(unit=unit, received_from=query.received_from, received_to=query.received_to),
        timeout=settings.PUBLIC_CACHE_SECONDS,
        parts=(query.unit, query.received_from, query.received_to),
    )


@api.get("/totals", response={200: list[s.TotalOut], **ERRORS}, summary="Received by place and month", tags=["ledger"])
def totals(request, query: Query[s.TotalsQuery]):
    """Money and goods received, by province and month (of the school, or of the fund's office)."""
    return _totals(request, query)


@api.get(
    "/totals.csv",
    response=ERRORS,
    openapi_extra=CSV_OPENAPI,
    summary="Received by place and month (CSV)",
    tags=["ledger"],
)
def totals_csv(request, query: Query[s.TotalsQuery]):
    return _csv("totals", {"results": _totals(request, query), "next_cursor": None}, list(s.TotalOut.model_fields))
