"""The officers' dashboards (district and provincial) and the lists behind each figure."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import csv_response, xlsx_response
from donations.models import Pledge
from needs.models import Need
from schools.permissions import roles_of

from . import audit, charts, dashboard, digests, permissions, places, services
from .models import DigestPreference, DigestRun, DigestSettings, Frequency


@login_required
def dashboard_view(request):
    area = permissions.area_for(request)
    unit = area.unit
    figures = dashboard.figures(area)
    context = {
        "unit": unit,
        "provincial": figures["provincial"],
        "headline": figures["headline"],
        "categories": figures["categories"],
        "places": figures["places"],
        # On the new map a province's table compares its communes.
        "places_are_communes": bool(figures["places"]) and all(row["kind"] == "commune" for row in figures["places"]),
        "tile_map": places.tile_map(figures["places"]),
        "missing_bounds": places.MISSING_BOUNDS,
        "attention": figures["attention"],
        "funds_and_lunches": figures["funds_and_lunches"],
        "series": figures["series"],
        "chart": charts.weekly_chart(figures["series"]),
        "category_chart": charts.category_chart(figures["categories"]),
        "units": roles_of(request.user).officer_units,
    }
    return render(request, "oversight/dashboard.html", context)


EXPORTS = {
    "categories": (
        lambda area: dashboard.needs_by_category(area),
        ["Nhóm nhu cầu", "Số nhu cầu", "Số học sinh", "Đề nghị (đồng)", "Đã cam kết (đồng)", "Đã nhận (đồng)"],
        lambda r: [
            str(r["label"]),
            r["count"],
            r["pupils"] or 0,
            r["requested"] or 0,
            r["pledged"] or 0,
            r["received"] or 0,
        ],
        (3, 4, 5),
    ),
    "places": (
        lambda area: places.places(area),
        [
            "Hạng",
            "Địa bàn",
            "Còn thiếu (đồng)",
            "Nhu cầu đang nhận tặng",
            "Số nhu cầu",
            "Đã bàn giao",
            "Đề nghị (đồng)",
            "Đã cam kết (đồng)",
            "Đã nhận (đồng)",
            "Tỷ lệ cam kết",
        ],
        lambda r: [
            r["rank"],
            r["name"],
            r["missing"],
            r["open"],
            r["count"],
            r["delivered"],
            r["requested"],
            r["pledged"],
            r["received"],
            round(r["share_funded"], 4),
        ],
        (2, 6, 7, 8),
    ),
    "funds": (
        lambda area: dashboard.fund_report(area),
        [
            "Quỹ",
            "Cơ quan",
            "Số khoản đã nhận",
            "Đã cam kết (đồng)",
            "Đã nhận (đồng)",
            "Đã phân bổ (đồng)",
            "Còn lại (đồng)",
            "Số quyết định phân bổ",
        ],
        lambda r: [
            r["name"],
            r["office"],
            r["gifts"],
            r["pledged"],
            r["received"],
            r["allocated"],
            r["balance"],
            r["plans"],
        ],
        (3, 4, 5, 6),
    ),
    "sponsorships": (
        lambda area: dashboard.sponsorship_report(area),
        [
            "Trường",
            "Nhu cầu",
            "Số học sinh",
            "Từ tháng",
            "Số tháng",
            "Hình thức",
            "Trạng thái",
            "Tổng cam kết (đồng)",
            "Đã nhận (đồng)",
        ],
        lambda r: [
            r["school"],
            r["need"],
            r["pupils"],
            r["first_month"].strftime("%m/%Y"),
            r["months"],
            r["schedule"],
            r["status"],
            r["total"],
            r["paid"],
        ],
        (7, 8),
    ),
    "schools": (
        lambda area: dashboard.school_report(area),
        [
            "Mã trường",
            "Tên trường",
            "Xã",
            "Huyện",
            "Học sinh",
            "Điểm trường lẻ",
            "Hồ sơ cập nhật",
            "Số nhu cầu",
            "Đề nghị (đồng)",
            "Đã cam kết (đồng)",
            "Đã nhận (đồng)",
        ],
        lambda r: [
            r["code"],
            r["name"],
            r["commune__name"],
            r["district__name"] or "",
            r["pupils"],
            r["site_count"],
            "Không" if r["stale"] else "Có",
            r["needs"],
            r["requested"],
            r["pledged"],
            r["received"],
        ],
        (8, 9, 10),
    ),
}


@login_required
def dashboard_export(request, table, fmt):
    if table not in EXPORTS or fmt not in ("xlsx", "csv"):
        raise Http404
    area = permissions.area_for(request)
    rows_of, headers, to_row, money = EXPORTS[table]
    rows = [to_row(row) for row in rows_of(area)]
    filename = f"{table}-{area.unit.code}"
    if fmt == "csv":
        return csv_response(filename, headers, rows)
    return xlsx_response(filename, str(area.unit.name), headers, rows, money_columns=money)


@login_required
def dashboard_needs(request):
    """Every need behind a dashboard figure, whatever its status, for the officer's area."""
    area = permissions.area_for(request)
    needs = area.needs().select_related("school__commune").order_by("-created_at")
    status, category = request.GET.get("status"), request.GET.get("category")
    if status in Need.Status.values:
        needs = needs.filter(status=status)
    if category:
        needs = needs.filter(category=category)
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/dashboard_needs.html",
        {"area": area, "page": page, "status": status, "category": category, "query": _query(request)},
    )


@login_required
def dashboard_pledges(request):
    area = permissions.area_for(request)
    pledges = (
        area.pledges()
        .filter(Pledge.waiting_q(timezone.localdate()))
        .select_related("need__school")
        .order_by("created_at")
    )
    if request.GET.get("state") == "overdue":
        pledges = pledges.filter(Pledge.overdue_q(timezone.now()))
    page = Paginator(pledges, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/dashboard_pledges.html",
        {"area": area, "page": page, "title": _("Pledges waiting for receipt"), "query": _query(request)},
    )


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def digest_archive(request):
    """The digests this officer's offices were sent, their settings, and a preview button."""
    offices = permissions.get_offices_for_digests(request)
    if request.method == "POST":
        office = permissions.get_office_for_digests(request)
        frequency = request.POST.get("frequency")
        if frequency in Frequency.values:
            if request.POST.get("scope") == "office":
                services.digest_settings_set(
                    office=office,
                    frequency=frequency,
                    send_when_empty=request.POST.get("send_when_empty") == "on",
                    user=request.user,
                )
            else:
                services.digest_preference_set(user=request.user, office=office, frequency=frequency)
            messages.success(request, _("Your digest settings have been saved."))
        return redirect("dashboard:digests")
    runs = DigestRun.objects.filter(office__in=offices, status=DigestRun.Status.SENT).select_related("office")[:52]
    chosen = dict(DigestPreference.objects.filter(user=request.user).values_list("office_id", "frequency"))
    office_settings = {s.office_id: s for s in DigestSettings.objects.filter(office__in=offices)}
    rows = [
        {
            "office": office,
            "mine": chosen.get(office.pk, ""),
            "office_frequency": getattr(office_settings.get(office.pk), "frequency", Frequency.WEEKLY),
            "send_when_empty": getattr(office_settings.get(office.pk), "send_when_empty", True),
        }
        for office in offices
    ]
    return render(request, "oversight/digests.html", {"runs": runs, "rows": rows, "frequencies": Frequency.choices})


@login_required
def digest_show(request, pk):
    run = permissions.get_digest_run_for_viewing(request, pk)
    # The stored e-mail as it was sent; it holds no script and is shown in its own page.
    return HttpResponse(run.html)


@login_required
@require_POST
def digest_preview(request):
    """Send this officer, and only them, the digest of the week so far."""
    office = permissions.get_office_for_digests(request)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    digest = digests.build_digest(office, Frequency.WEEKLY, monday, today)
    digests.deliver(digest, [request.user.email])
    messages.success(request, _("A preview has been sent to %(email)s.") % {"email": request.user.email})
    return redirect("dashboard:digests")


@login_required
def audit_trail(request):
    """Who changed what in the officer's area, newest first (oversight.audit)."""
    area = permissions.area_for(request)
    return render(
        request, "oversight/audit.html", {"unit": area.unit, "changes": audit.changes(area.unit, levels=area.levels)}
    )
