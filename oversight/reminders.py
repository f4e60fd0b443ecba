"""Reminders that keep the programme moving: schools whose profile is stale, officers
with needs waiting too long. (Donors are reminded by donations.tasks.) Each is claimed
in ReminderLog before it is sent, once a month for a school, once a week for an officer."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.jobs import each_row
from core.mail import render_subject
from needs.models import Need
from schools.models import Membership, School

from .models import ReminderLog


def _claim(kind, key, period) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(kind=kind, key=key, period=period)
    except IntegrityError:
        return False
    return True


def _send(template, context, to) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject(f"oversight/email/{template}_subject.txt", context)
        body = render_to_string(f"oversight/email/{template}.txt", context)
    send_mail(subject, body, None, to)


def _claim_and_send(kind, key, period, template, context, to) -> bool:
    """Claim, then send. A send that fails releases the claim, so tomorrow's run tries
    again within the same period instead of the reminder being lost; the failure is
    raised for the job to count (core.jobs)."""
    if not _claim(kind, key, period):
        return False
    try:
        _send(template, context, to)
    except Exception:
        ReminderLog.objects.filter(kind=kind, key=key, period=period).delete()
        raise
    return True


def remind_stale_schools() -> dict:
    month = timezone.localdate().strftime("%Y-%m")
    staff = Membership.objects.filter(role=Membership.Role.SCHOOL_STAFF).select_related("user")
    emails = {}
    for membership in staff:
        emails.setdefault(membership.school_id, []).append(membership.user.email)

    def remind(school) -> bool:
        to = sorted(set(emails.get(school.pk, []) + ([school.focal_point_email] if school.focal_point_email else [])))
        if not to:
            return False
        link = settings.SITE_URL + reverse("schools:detail", args=[school.pk])
        context = {"school": school, "link": link, "site_name": settings.SITE_NAME}
        return _claim_and_send("stale-school", str(school.pk), month, "stale_school", context, to)

    schools = School.objects.stale().only("pk", "name", "focal_point_email", "profile_confirmed_at").order_by("pk")
    return each_row("reminders.stale_school", schools, remind)


def remind_officers_of_waiting_needs() -> dict:
    week = timezone.localdate().strftime("%G-W%V")
    cutoff = timezone.now() - timedelta(days=settings.NEED_WAITING_REMINDER_DAYS)
    waiting = list(Need.objects.filter(status=Need.Status.SUBMITTED, submitted_at__lt=cutoff).select_related("school"))
    if not waiting:
        return {"done": 0, "failed": 0}

    def remind(membership) -> bool:
        mine = [need for need in waiting if need.school.handled_by(membership.office.unit)]
        if not mine:
            return False
        context = {
            "office": membership.office,
            "needs": mine,
            "days": settings.NEED_WAITING_REMINDER_DAYS,
            "link": settings.SITE_URL + reverse("needs:queue"),
            "site_name": settings.SITE_NAME,
        }
        return _claim_and_send(
            "waiting-needs", str(membership.pk), week, "waiting_needs", context, [membership.user.email]
        )

    officers = (
        Membership.objects.filter(role=Membership.Role.OFFICER).select_related("user", "office__unit").order_by("pk")
    )
    return each_row("reminders.waiting_needs", officers, remind)
