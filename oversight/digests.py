"""The digest an education office gets by e-mail: what arrived, what waits for it, what
is late, and money, for its area and a period. Built here, sent by `oversight.tasks`.

A digest is sent once per office and period: `send_digest` claims its `DigestRun` row
with a conditional update before sending and marks it sent after; a task redelivered
after a worker died finds its own claim (same task id) and finishes the job.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Task
from core.dbrouter import replica_reads
from core.exports import XLSX_TYPE, Sheet, xlsx_bytes
from core.mail import render_subject
from donations.models import Pledge
from needs.models import Need, NeedEvent
from schools.models import AdministrativeUnit, Membership, Office, School

from . import comparison, dashboard
from .models import DigestPreference, DigestRun, DigestSettings, Frequency

LIST_LIMIT = 25
# The claimant of a digest taken over by oversight.tasks.reclaim_abandoned_digests.
RECLAIMANT = "reclaim-"
# The moves of needs a digest counts, by the status they moved to.
MOVES = (Need.Status.VERIFIED, Need.Status.RETURNED, Need.Status.FUNDED, Need.Status.DELIVERED)


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The period a run on `day` reports on: last Monday–Sunday, or yesterday."""
    if period == Frequency.WEEKLY:
        this_monday = day - timedelta(days=day.weekday())
        return this_monday - timedelta(days=7), this_monday - timedelta(days=1)
    return day - timedelta(days=1), day - timedelta(days=1)


def digest_offices():
    """The offices that get digests: every education office of a current unit that
    handles at least one school (a commune office its commune's preschools, primary and
    lower-secondary schools; a district office, on the map before 2025, its district's;
    the department its whole province). The office of a unit a reform abolished gets
    none: its schools have moved to their new commune's office.

    The subqueries are `School.handled_by` for many offices at once, asked in one query;
    tests/oversight/test_digest_recipients.py holds them equal."""
    handles_schools = Q()
    for level in AdministrativeUnit.Level.values:
        schools = School.objects.filter(**{level: OuterRef("unit")})
        levels = School.levels_handled_in(AdministrativeUnit(level=level))
        if levels is not None:
            schools = schools.filter(level__in=levels)
        handles_schools |= Q(unit__level=level) & Exists(schools)
    return (
        Office.objects.filter(kind__in=Office.EDUCATION_KINDS, unit__abolished_on=None)
        .filter(handles_schools)
        .select_related("unit")
    )


def _settings_of(office: Office) -> DigestSettings | None:
    return DigestSettings.objects.filter(office=office).first()


def _frequency(settings_row: DigestSettings | None) -> str:
    return settings_row.frequency if settings_row else Frequency.WEEKLY


def recipients(office: Office, period: str) -> list[str]:
    """The office's addresses (if the office takes this period) and its active officers
    whose own choice, or else the office's, is this period."""
    return _recipients(office, period, _settings_of(office))


def _recipients(office: Office, period: str, settings_row: DigestSettings | None) -> list[str]:
    office_choice = _frequency(settings_row)
    addresses = list(office.digest_email_list) if office_choice == period else []
    own_choice = DigestPreference.objects.filter(office=office, user=OuterRef("user")).values("frequency")[:1]
    officers = (
        Membership.objects.filter(office=office, role=Membership.Role.OFFICER, user__is_active=True)
        .annotate(choice=Subquery(own_choice))
        .values_list("user__email", "choice")
    )
    addresses += [email for email, choice in officers if (choice or office_choice) == period]
    return sorted(set(a.lower() for a in addresses))


def _url(name, *args, query="") -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}{query}"


@dataclass
class Digest:
    office: Office
    period: str
    start: date
    end: date
    content: dict

    @property
    def has_workbook(self) -> bool:
        """Whether the mail carries an Excel file (`_workbook` makes one for the same lists)."""
        c = self.content
        return bool(c["comparison"] or c["awaiting"] or c["overdue_pledges"] or c["stale"] or c["tasks"])

    @property
    def is_empty(self) -> bool:
        c = self.content
        return not (
            c["awaiting_count"]
            or any(c["moves"].values())
            or c["pledged"]
            or c["received"]
            or c["overdue_pledges"]
            or c["stale_count"]
            or c["tasks"]
            or any(fund["plans_waiting"] for fund in c.get("funds_and_lunches", {}).get("funds", []))
            or c.get("funds_and_lunches", {}).get("instalments", {}).get("overdue")
        )


def _first_rows(queryset, *fields) -> list[dict]:
    """The first LIST_LIMIT rows, only these fields."""
    return list(queryset.values(*fields)[:LIST_LIMIT])


def build_digest(office: Office, period: str, start: date, end: date) -> Digest:
    """What the office's digest says. A fixed number of queries, whatever the size of its
    area: the three lists and two counts, the moves, the money (with the overdue count),
    the tasks, and for an office over several places the four of `comparison.compare`
    (none per place). The lists read only the columns they show."""
    area = dashboard.Area.of_office(office)
    today = timezone.localdate()
    now = timezone.now()
    in_period = Q(created_at__date__gte=start, created_at__date__lte=end)

    # The list and its count are two queries: a count in the same query (a window) would
    # make PostgreSQL read every waiting need of the province before the first 25.
    waiting = area.needs().filter(status=Need.Status.SUBMITTED)
    awaiting_count = waiting.count()
    awaiting = _first_rows(
        waiting.order_by("submitted_at", "pk"), "pk", "title", "school__name", "submitted_at", "amount_requested"
    )
    awaiting_rows = [
        {
            "title": need["title"],
            "school": need["school__name"],
            "age": (today - timezone.localdate(need["submitted_at"])).days if need["submitted_at"] else 0,
            "amount": need["amount_requested"],
            "url": _url("needs:detail", need["pk"]),
        }
        for need in awaiting
    ]
    moves = dict(
        NeedEvent.objects.filter(need__in=area.needs(), kind=NeedEvent.Kind.STATUS)
        .filter(in_period, to_status__in=MOVES)
        .exclude(from_status="")
        .values_list("to_status")
        .annotate(n=Count("pk"))
    )
    pledges = area.pledges()
    overdue = Pledge.overdue_q(now)
    # Money raised counts donors' gifts; a fund's allocation was raised as a gift to the fund.
    money = pledges.aggregate(
        pledged=Coalesce(
            Sum("amount", filter=in_period & Q(status__in=Pledge.ACTIVE_STATUSES, source_fund__isnull=True)), 0
        ),
        received=Coalesce(Sum("received_amount", filter=Q(received_on__gte=start, received_on__lte=end)), 0),
        overdue=Count("pk", filter=overdue),
    )
    overdue_pledges = _first_rows(
        pledges.filter(overdue).order_by("created_at", "pk"),
        *("reference", "need__title", "need__school__name", "amount", "created_at"),
    )
    overdue_rows = [
        {
            "reference": p["reference"],
            "need": p["need__title"],
            "school": p["need__school__name"],
            "amount": p["amount"],
            "days": (today - timezone.localdate(p["created_at"])).days,
            "url": _url("donations:detail", p["reference"]),
        }
        for p in overdue_pledges
    ]
    stale = area.schools().stale()
    stale_count = stale.count()
    stale = _first_rows(stale.order_by("name", "pk"), "pk", "name")
    stale_rows = [{"name": s["name"], "url": _url("schools:detail", s["pk"])} for s in stale]
    tasks = (
        Task.objects.filter(
            area.unit.unit_filter("campaign__scope__") | area.unit.unit_filter("owner__unit__"),
            status__in=Task.OPEN_STATUSES,
            due_on__lte=today + timedelta(days=14),
        )
        .values("pk", "title", "owner__name", "due_on", "campaign__slug")
        .distinct()
        .order_by("due_on", "pk")
    )
    task_rows = [
        {
            "title": t["title"],
            "owner": t["owner__name"],
            "due_on": t["due_on"],
            "overdue": t["due_on"] < today,
            "url": _url("campaigns:plan", t["campaign__slug"]),
        }
        for t in tasks[:LIST_LIMIT]
    ]
    content = {
        "contest": _contest_summary(office),
        "awaiting": awaiting_rows,
        "awaiting_count": awaiting_count,
        "moves": {status.value: moves.get(status, 0) for status in MOVES},
        "pledged": money["pledged"],
        "received": money["received"],
        "overdue_pledges": overdue_rows,
        "overdue_count": money["overdue"],
        "stale": stale_rows,
        "stale_count": stale_count,
        "tasks": task_rows,
        # Its places compared (None for a commune office): the worst and best in the
        # mail, every one in the Excel file.
        "comparison": comparison.compare(area),
        # Its programme funds and school-lunch sponsorships (oversight.dashboard).
        "funds_and_lunches": _absolute_fund_links(dashboard.funds_and_lunches(area)),
        "late_days": {"needs": settings.NEED_WAITING_REMINDER_DAYS, "pledges": settings.PLEDGE_REMINDER_DAYS},
        "links": {
            "dashboard": _url("dashboard:home", query=f"?unit={office.unit_id}"),
            "queue": _url("needs:queue"),
            "archive": _url("dashboard:digests"),
        },
    }
    return Digest(office=office, period=period, start=start, end=end, content=content)


def _absolute_fund_links(figures: dict) -> dict:
    for fund in figures["funds"]:
        fund["url"] = settings.SITE_URL + fund["url"]
        fund["plans_url"] = settings.SITE_URL + fund["plans_url"]
    return figures


def _contest_summary(office: Office) -> dict | None:
    """For a province: its latest letters-contest round and how many take part."""
    if office.unit.level != AdministrativeUnit.Level.PROVINCE:
        return None
    from letters_contest.models import ContestRound
    from letters_contest.participation import participation_summary

    round_ = (
        ContestRound.objects.filter(province=office.unit).select_related("edition").order_by("-edition__number").first()
    )
    if round_ is None:
        return None
    figures = participation_summary(round_)
    return {
        "edition": str(round_.edition),
        "entries": figures["total"],
        "schools": figures["schools"],
        "silent": figures["silent"],
        "previous": figures["previous"],
        "url": _url("letters_contest:participation", round_.pk),
    }


def _comparison_sheet(compared: comparison.Comparison, late_days: dict) -> Sheet:
    """One row per place of the area, every one of them (the mail names only the worst
    and the best)."""
    rank = {place.unit_id: f"Cần đôn đốc {i}" for i, place in enumerate(compared.behind, start=1)}
    rank |= {place.unit_id: f"Dẫn đầu {i}" for i, place in enumerate(compared.ahead, start=1)}
    return Sheet(
        "Các xã, phường" if compared.of_communes else "Các huyện",
        [
            "Xã, phường" if compared.of_communes else "Huyện",
            "Trong thư",
            "Số trường",
            "Hồ sơ chưa cập nhật",
            "Nhu cầu đã công khai",
            "Kinh phí cần (đồng)",
            "Đã cam kết (đồng)",
            "Tỷ lệ cam kết (%)",
            "Đã nhận (đồng)",
            "Nhu cầu đã trao",
            "Chờ xác minh",
            "Chờ lâu nhất (ngày)",
            f"Chờ xác minh quá {late_days['needs']} ngày",
            f"Cam kết chưa xác nhận quá {late_days['pledges']} ngày",
        ],
        [
            [
                place.name,
                rank.get(place.unit_id, ""),
                place.schools,
                place.stale_schools,
                place.needs,
                place.requested,
                place.pledged,
                round(place.share_funded * 100, 1),
                place.received,
                place.delivered,
                place.waiting,
                place.longest_wait if place.longest_wait is not None else "",
                place.late_needs,
                place.late_pledges,
            ]
            for place in compared.places
        ],
        money_columns=[5, 6, 8],
    )


def _workbook(digest: Digest) -> bytes | None:
    """The digest's Excel file: its places compared, then its lists; a sheet only for a
    list with rows, and no file at all when there is nothing to list. Built once per
    digest, when it is sent."""
    content = digest.content
    sheets = []
    if content["comparison"]:
        sheets.append(_comparison_sheet(content["comparison"], content["late_days"]))
    if content["awaiting"]:
        sheets.append(
            Sheet(
                "Chờ xác minh",
                ["Nhu cầu", "Trường", "Số ngày chờ", "Kinh phí (đồng)", "Liên kết"],
                [[r["title"], r["school"], r["age"], r["amount"], r["url"]] for r in content["awaiting"]],
                money_columns=[3],
            )
        )
    if content["overdue_pledges"]:
        sheets.append(
            Sheet(
                "Cam kết quá hạn",
                ["Mã", "Nhu cầu", "Trường", "Số tiền (đồng)", "Số ngày", "Liên kết"],
                [
                    [r["reference"], r["need"], r["school"], r["amount"], r["days"], r["url"]]
                    for r in content["overdue_pledges"]
                ],
                money_columns=[3],
            )
        )
    if content["stale"]:
        sheets.append(
            Sheet("Hồ sơ chưa cập nhật", ["Trường", "Liên kết"], [[r["name"], r["url"]] for r in content["stale"]])
        )
    if content["tasks"]:
        sheets.append(
            Sheet(
                "Nhiệm vụ",
                ["Nhiệm vụ", "Đơn vị", "Thời hạn", "Quá hạn", "Liên kết"],
                [
                    [r["title"], r["owner"], r["due_on"].strftime("%d/%m/%Y"), "Có" if r["overdue"] else "", r["url"]]
                    for r in content["tasks"]
                ],
            )
        )
    return xlsx_bytes(sheets) if sheets else None


def workbook_name(digest: Digest) -> str:
    return f"bao-cao-{digest.office.code}-{digest.start:%Y%m%d}.xlsx"


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """(subject, text, html) in Vietnamese."""
    context = {"digest": digest, "office": digest.office, "c": digest.content, "site_name": settings.SITE_NAME}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("oversight/email/digest_subject.txt", context)
        text = render_to_string("oversight/email/digest.txt", context)
        html = render_to_string("oversight/email/digest.html", context)
    return subject, text, html


def message_id(digest: Digest) -> str:
    """One Message-ID per office and period, whoever sends it and however often: a digest
    sent again after a worker died between the mail server's "accepted" and the run's
    "sent" carries the same id, so mail systems can drop the copy."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest-{digest.office.pk}-{digest.period}-{digest.start:%Y%m%d}@{domain}>"


def deliver(digest: Digest, to: list[str], *, fixed_id: bool = False) -> tuple[str, str]:
    """Send the digest. The run's mail has its fixed Message-ID (`message_id`); a preview
    gets a fresh one, so it can never make a mail system drop the real digest."""
    subject, text, html = render_digest(digest)
    headers = {"Message-ID": message_id(digest)} if fixed_id else {}
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    workbook = _workbook(digest)
    if workbook is not None:
        message.attach(workbook_name(digest), workbook, XLSX_TYPE)
    message.send()
    return subject, html


def abandoned_runs():
    """Digests whose claim ran out: "sending" (or still "pending") for longer than the
    lease, so the process that took them died (a worker killed, a machine lost). The
    broker would hand the task back only after its visibility timeout (an hour by
    default, and it must stay above the longest task); `reclaim_abandoned_digests`
    sends these within minutes instead."""
    expired = timezone.now() - timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    return DigestRun.objects.filter(
        Q(status=DigestRun.Status.SENDING, claimed_at__lt=expired)
        | Q(status=DigestRun.Status.PENDING, created_at__lt=expired)
        # A reclaimed digest whose send failed has no task to retry it: the next
        # reclaim after the lease does.
        | Q(status=DigestRun.Status.FAILED, claimed_by__startswith=RECLAIMANT, claimed_at__lt=expired)
    ).select_related("office__unit")


def day_of(run: DigestRun) -> date:
    """The day whose run reports on this run's period (`period_bounds` backwards)."""
    return run.period_end + timedelta(days=1)


def send_digest(office: Office, period: str, day: date, *, claimant: str = "") -> str:
    """Send this office's digest for the period ending before `day`, once.

    Returns what happened: "sent", "skipped" (nothing to report or nobody to send to),
    or "already" (another run sent it or is sending it)."""
    start, end = period_bounds(period, day)
    try:
        with transaction.atomic():
            run, _created = DigestRun.objects.get_or_create(
                office=office, period=period, period_start=start, defaults={"period_end": end}
            )
    except IntegrityError:
        run = DigestRun.objects.get(office=office, period=period, period_start=start)
    # Claim the row: a pending or failed run; our own claim if this task was redelivered
    # after its worker died; or a claim abandoned for longer than the lease.
    now = timezone.now()
    claimable = Q(status__in=[DigestRun.Status.PENDING, DigestRun.Status.FAILED]) | Q(
        # A "sending" claim older than the lease was abandoned (its process died).
        status=DigestRun.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS),
    )
    if claimant:
        claimable |= Q(status=DigestRun.Status.SENDING, claimed_by=claimant)
    claimed = DigestRun.objects.filter(claimable, pk=run.pk).update(
        status=DigestRun.Status.SENDING, claimed_by=claimant, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "already"
    try:
        settings_row = _settings_of(office)
        to = _recipients(office, period, settings_row)
        if not to:
            DigestRun.objects.filter(pk=run.pk).update(status=DigestRun.Status.SKIPPED, recipients="")
            return "skipped"
        with replica_reads():  # the figures may lag a little; the claim above may not
            digest = build_digest(office, period, start, end)
        wants_empty = settings_row is None or settings_row.send_when_empty
        if digest.is_empty and not wants_empty:
            DigestRun.objects.filter(pk=run.pk).update(status=DigestRun.Status.SKIPPED, recipients=", ".join(to))
            return "skipped"
        subject, html = deliver(digest, to, fixed_id=True)
    except Exception as error:
        DigestRun.objects.filter(pk=run.pk).update(status=DigestRun.Status.FAILED, error=str(error)[:2000])
        raise
    DigestRun.objects.filter(pk=run.pk).update(
        status=DigestRun.Status.SENT,
        sent_at=timezone.now(),
        recipients=", ".join(to),
        subject=subject,
        html=html,
        error="",
    )
    return "sent"
