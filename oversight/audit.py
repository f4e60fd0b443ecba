"""The audit trail of an area: who changed which need, pledge, school, contest entry or
role, and when, newest first. Read from the historical tables simple_history keeps (one
row per save or delete, kept after the object is gone); personal fields of donors and
pupils are not in them (see the models' `history`)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.formatting import format_vnd
from donations.models import Pledge
from letters_contest.models import Entry
from needs.models import Need
from schools.models import AdministrativeUnit, Membership, School

from .dashboard import Area

KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    at: datetime
    who: str
    kind: str
    what: str
    label: str
    status: str
    url: str


def _rows(history, area_filter: Q, what, label, url, limit, related=()):
    records = (
        history.filter(area_filter).select_related("history_user", *related).order_by("-history_date", "-history_id")
    )
    for record in records[:limit]:
        user = record.history_user
        yield Change(
            at=record.history_date,
            who=(user.full_name or user.email) if user else str(_("the system")),
            kind=str(KINDS.get(record.history_type, record.history_type)),
            what=str(what),
            label=label(record),
            status=record.get_status_display() if hasattr(record, "get_status_display") else "",
            url=url(record) if record.history_type != "-" else "",
        )


def _need_label(r):
    return r.title


def _need_url(r):
    return reverse("needs:detail", args=[r.id])


def _pledge_label(r):
    return f"{r.reference} · {format_vnd(r.amount)}"


def _pledge_url(r):
    return reverse("needs:detail", args=[r.need_id])


def _school_label(r):
    return r.name


def _school_url(r):
    return reverse("schools:detail", args=[r.id])


def _entry_label(r):
    return r.code


def _membership_label(r):
    return f"{r.user.email if r.user else '–'} · {r.get_role_display()}"


def _no_url(r):
    return ""


def changes(unit: AdministrativeUnit, *, levels: tuple[str, ...] | None = None, limit: int = 100) -> list[Change]:
    """The latest `limit` changes in the unit (of its schools, those of `levels` when
    given: a commune office's), one query per kind of record."""
    in_area = Area(unit, levels).school_filter
    found = [
        *_rows(Need.history, in_area("school__"), Need._meta.verbose_name, _need_label, _need_url, limit),
        *_rows(Pledge.history, in_area("need__school__"), Pledge._meta.verbose_name, _pledge_label, _pledge_url, limit),
        *_rows(School.history, in_area(), School._meta.verbose_name, _school_label, _school_url, limit),
        *_rows(Entry.history, in_area("school__"), Entry._meta.verbose_name, _entry_label, _no_url, limit),
        *_rows(
            Membership.history,
            in_area("school__") | unit.unit_filter("office__unit__"),
            Membership._meta.verbose_name,
            _membership_label,
            _no_url,
            limit,
            related=("user",),
        ),
    ]
    found.sort(key=lambda change: change.at, reverse=True)
    return found[:limit]
