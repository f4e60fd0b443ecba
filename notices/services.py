"""Every write of notices: telling people (`notify`), reading, and each person's choice
of e-mails. Apps above call `notify` inside the transaction of the change they tell of,
so the notice and its mail exist exactly when the change does."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from core.mail import html_body, render_subject

from . import outbox
from .models import Kind, MailOptOut, Notice


@dataclass(frozen=True)
class Recipient:
    """Who is told: a person with an account (inbox, and mail to their address unless
    `email` says another), or an address alone (a guest donor: mail only)."""

    user: User | None = None
    email: str = ""

    @property
    def address(self) -> str:
        return (self.email or (self.user.email if self.user else "")).strip().lower()


def _recipients(people: Iterable) -> list[Recipient]:
    """Users, addresses or Recipients, each address once (the first wins)."""
    seen, result = set(), []
    for person in people:
        if isinstance(person, Recipient):
            recipient = person
        elif isinstance(person, str):
            recipient = Recipient(email=person)
        else:
            recipient = Recipient(user=person)
        if recipient.user is not None and not recipient.user.is_active:
            continue
        identity = recipient.address or f"user:{recipient.user.pk}"
        if (not recipient.address and recipient.user is None) or identity in seen:
            continue
        seen.add(identity)
        result.append(recipient)
    return result


def render(template: str, context: dict, *, link: str = "", link_label: str = "") -> tuple[str, str, str]:
    """(subject, text, html) of `<template>_subject.txt` and `<template>.txt`, in the
    portal's language whatever the request's; the HTML is the text in the mail layout."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject = render_subject(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context).strip() + "\n"
        absolute = settings.SITE_URL + link if link.startswith("/") else link
        html = html_body(subject=subject, text=text, link=absolute, link_label=link_label)
    return subject, text, html


def notify(people: Iterable, kind: str, *, template: str, context: dict, link: str = "", key: str = "") -> list[Notice]:
    """Tell each person: a notice in their inbox (people with an account) and a mail
    (unless they chose not to get this kind by mail), written in the caller's transaction
    and handed to a worker after commit. With a `key`, a person gets it once: a second
    call with the same key writes nothing for them."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind of notice: {kind}")
    recipients = _recipients(people)
    if not recipients:
        return []
    subject, text, html = render(template, {**context, "link": settings.SITE_URL + link if link else ""}, link=link)
    user_ids = [r.user.pk for r in recipients if r.user is not None]
    muted = set(MailOptOut.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", flat=True))
    made = []
    with transaction.atomic():
        for recipient in recipients:
            if key and Notice.objects.filter(key=key, email=recipient.address).exists():
                continue
            try:
                with transaction.atomic():  # a savepoint: a race on the key loses quietly
                    notice = Notice.objects.create(
                        user=recipient.user,
                        email=recipient.address,
                        kind=kind,
                        subject=subject,
                        body_text=text,
                        body_html=html,
                        link=link,
                        key=key,
                        mail=bool(recipient.address)
                        and not (recipient.user is not None and recipient.user.pk in muted),
                    )
            except IntegrityError:
                continue
            made.append(notice)
        told = [n.user_id for n in made if n.user_id]
        if told:
            User.objects.filter(pk__in=told).update(unread_notices=F("unread_notices") + 1)
        for notice in made:
            if notice.mail:
                transaction.on_commit(lambda pk=notice.pk: outbox.hand_over(pk))
    return made


def mark_read(notice: Notice) -> bool:
    """The person has read it (opened it from the inbox). True if this call marked it."""
    with transaction.atomic():
        marked = Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        if marked and notice.user_id:
            User.objects.filter(pk=notice.user_id, unread_notices__gt=0).update(unread_notices=F("unread_notices") - 1)
    return bool(marked)


def mark_all_read(user: User) -> int:
    with transaction.atomic():
        marked = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        User.objects.filter(pk=user.pk).update(unread_notices=0)
    user.unread_notices = 0
    return marked


def recount_unread(user: User) -> int:
    """Set the badge's counter from the notices themselves (the inbox page does, so a
    counter that went wrong mends itself)."""
    count = Notice.objects.filter(user=user, read_at__isnull=True).count()
    if count != user.unread_notices:
        User.objects.filter(pk=user.pk).update(unread_notices=count)
        user.unread_notices = count
    return count


def mail_preferences_save(*, user: User, wanted: Iterable[str], actor: User) -> set[str]:
    """Keep the kinds the person wants by mail (the others become opt-outs), each change
    with its history naming `actor`. Returns the kinds now muted."""
    wanted = set(wanted)
    with transaction.atomic():
        existing = {row.kind: row for row in MailOptOut.objects.select_for_update().filter(user=user)}
        for kind in Kind.values:
            if kind in wanted and kind in existing:
                row = existing[kind]
                row._history_user = actor
                row.delete()
            elif kind not in wanted and kind not in existing:
                row = MailOptOut(user=user, kind=kind)
                row._history_user = actor
                row.save()
    return set(Kind.values) - wanted
