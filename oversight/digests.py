"""The digest an education office gets by e-mail: what arrived, what waits for it, what
is late, and money, for its area and a period. Built here, sent by `oversight.tasks`.

A digest is sent once per office and period: `send_digest` claims its `DigestRun` row
with a conditional update before sending and marks it sent after; a task redelivered
after a worker died finds its own claim (same task id) and finishes the job.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Task
from core.exports import Sheet, xlsx_bytes
from donations.models import Pledge
from needs.models import Need, NeedEvent
from schools.models import AdministrativeUnit, Membership, Office

from . import dashboard
from .models import DigestPreference, DigestRun, DigestSettings, Frequency

LIST_LIMIT = 25
# The moves of needs a digest counts, by the status they moved to.
MOVES = (Need.Status.VERIFIED, Need.Status.RETURNED, Need.Status.FUNDED, Need.Status.DELIVERED)


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The period a run on `day` reports on: last Monday–Sunday, or yesterday."""
    if period == Frequency.WEEKLY:
        this_monday = day - timedelta(days=day.weekday())
        return this_monday - timedelta(days=7), this_monday - timedelta(days=1)
    return day - timedelta(days=1), day - timedelta(days=1)


def digest_offices():
    return Office.objects.filter(kind__in=Office.EDUCATION_KINDS).select_related("unit")


def office_frequency(office: Office) -> str:
    settings_row = DigestSettings.objects.filter(office=office).first()
    return settings_row.frequency if settings_row else Frequency.WEEKLY


def recipients(office: Office, period: str) -> list[str]:
    """The office's addresses (if the office takes this period) and its officers whose
    own choice, or else the office's, is this period."""
    office_choice = office_frequency(office)
    addresses = list(office.digest_email_list) if office_choice == period else []
    chosen = dict(DigestPreference.objects.filter(office=office).values_list("user_id", "frequency"))
    for membership in Membership.objects.filter(office=office, role=Membership.Role.OFFICER).select_related("user"):
        if membership.user.is_active and chosen.get(membership.user_id, office_choice) == period:
            addresses.append(membership.user.email)
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
        )


def build_digest(office: Office, period: str, start: date, end: date) -> Digest:
    area = dashboard.Area.of_office(office)
    today = timezone.localdate()
    in_period = Q(created_at__date__gte=start, created_at__date__lte=end)

    awaiting = area.needs().filter(status=Need.Status.SUBMITTED).select_related("school").order_by("submitted_at", "pk")
    awaiting_rows = [
        {
            "title": need.title,
            "school": need.school.name,
            "age": (today - timezone.localdate(need.submitted_at)).days if need.submitted_at else 0,
            "amount": need.amount_requested,
            "url": _url("needs:detail", need.pk),
        }
        for need in awaiting[:LIST_LIMIT]
    ]
    moves = dict(
        NeedEvent.objects.filter(need__in=area.needs(), kind=NeedEvent.Kind.STATUS)
        .filter(in_period, to_status__in=MOVES)
        .exclude(from_status="")
        .values_list("to_status")
        .annotate(n=Count("pk"))
    )
    pledges = area.pledges()
    pledged = pledges.filter(in_period, status__in=Pledge.ACTIVE_STATUSES).aggregate(total=Sum("amount"))["total"] or 0
    received = (
        pledges.filter(received_on__gte=start, received_on__lte=end).aggregate(total=Sum("received_amount"))["total"]
        or 0
    )
    late_since = timezone.now() - timedelta(days=settings.PLEDGE_REMINDER_DAYS)
    overdue = pledges.filter(status=Pledge.Status.PLEDGED, created_at__lt=late_since).select_related("need__school")
    overdue_rows = [
        {
            "reference": p.reference,
            "need": p.need.title,
            "school": p.need.school.name,
            "amount": p.amount,
            "days": (today - timezone.localdate(p.created_at)).days,
            "url": _url("donations:detail", p.reference),
        }
        for p in overdue.order_by("created_at")[:LIST_LIMIT]
    ]
    stale = area.schools().stale().order_by("name")
    stale_rows = [{"name": s.name, "url": _url("schools:detail", s.pk)} for s in stale[:LIST_LIMIT]]
    tasks = (
        Task.objects.filter(
            area.unit.unit_filter("campaign__scope__") | area.unit.unit_filter("owner__unit__"),
            status__in=Task.OPEN_STATUSES,
            due_on__lte=today + timedelta(days=14),
        )
        .select_related("owner", "campaign")
        .distinct()
        .order_by("due_on")
    )
    task_rows = [
        {
            "title": t.title,
            "owner": t.owner.name,
            "due_on": t.due_on,
            "overdue": t.due_on < today,
            "url": _url("campaigns:plan", t.campaign.slug),
        }
        for t in tasks[:LIST_LIMIT]
    ]
    content = {
        "contest": _contest_summary(office),
        "awaiting": awaiting_rows,
        "awaiting_count": awaiting.count(),
        "moves": {status.value: moves.get(status, 0) for status in MOVES},
        "pledged": pledged,
        "received": received,
        "overdue_pledges": overdue_rows,
        "overdue_count": overdue.count(),
        "stale": stale_rows,
        "stale_count": stale.count(),
        "tasks": task_rows,
        "league": dashboard.league_table(area) if office.unit.level == AdministrativeUnit.Level.PROVINCE else [],
        "links": {
            "dashboard": _url("dashboard:home", query=f"?unit={office.unit_id}"),
            "queue": _url("needs:queue"),
            "archive": _url("dashboard:digests"),
        },
    }
    return Digest(office=office, period=period, start=start, end=end, content=content)


def _contest_summary(office: Office) -> dict | None:
    """For a province: its latest letters-contest round and how many take part."""
    if office.unit.level != AdministrativeUnit.Level.PROVINCE:
        return None
    from letters_contest.models import ContestRound
    from letters_contest.participation import participation

    round_ = (
        ContestRound.objects.filter(province=office.unit).select_related("edition").order_by("-edition__number").first()
    )
    if round_ is None:
        return None
    figures = participation(round_)
    return {
        "edition": str(round_.edition),
        "entries": figures["total"],
        "schools": figures["schools"],
        "silent": len(figures["silent"]),
        "previous": figures["previous"]["entries"] if figures["previous"] else None,
        "url": _url("letters_contest:participation", round_.pk),
    }


def _workbook(digest: Digest) -> bytes:
    content = digest.content
    return xlsx_bytes(
        [
            Sheet(
                "Chờ xác minh",
                ["Nhu cầu", "Trường", "Số ngày chờ", "Kinh phí (đồng)", "Liên kết"],
                [[r["title"], r["school"], r["age"], r["amount"], r["url"]] for r in content["awaiting"]],
                money_columns=[3],
            ),
            Sheet(
                "Cam kết quá hạn",
                ["Mã", "Nhu cầu", "Trường", "Số tiền (đồng)", "Số ngày", "Liên kết"],
                [
                    [r["reference"], r["need"], r["school"], r["amount"], r["days"], r["url"]]
                    for r in content["overdue_pledges"]
                ],
                money_columns=[3],
            ),
            Sheet("Hồ sơ chưa cập nhật", ["Trường", "Liên kết"], [[r["name"], r["url"]] for r in content["stale"]]),
            Sheet(
                "Nhiệm vụ",
                ["Nhiệm vụ", "Đơn vị", "Thời hạn", "Quá hạn", "Liên kết"],
                [
                    [r["title"], r["owner"], r["due_on"].strftime("%d/%m/%Y"), "Có" if r["overdue"] else "", r["url"]]
                    for r in content["tasks"]
                ],
            ),
        ]
    )


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """(subject, text, html) in Vietnamese."""
    context = {"digest": digest, "office": digest.office, "c": digest.content, "site_name": settings.SITE_NAME}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("oversight/email/digest_subject.txt", context).strip()
        text = render_to_string("oversight/email/digest.txt", context)
        html = render_to_string("oversight/email/digest.html", context)
    return subject, text, html


def deliver(digest: Digest, to: list[str]) -> tuple[str, str]:
    subject, text, html = render_digest(digest)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.attach(
        f"bao-cao-{digest.office.code}-{digest.start:%Y%m%d}.xlsx",
        _workbook(digest),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    message.send()
    return subject, html


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
        to = recipients(office, period)
        digest = build_digest(office, period, start, end)
        wants_empty = not DigestSettings.objects.filter(office=office, send_when_empty=False).exists()
        if not to or (digest.is_empty and not wants_empty):
            DigestRun.objects.filter(pk=run.pk).update(status=DigestRun.Status.SKIPPED, recipients=", ".join(to))
            return "skipped"
        subject, html = deliver(digest, to)
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
