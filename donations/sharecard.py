"""The share card of a programme fund (core.sharecards): its name, its office and place,
and how much of the money that came in has been allocated to needs. A fund has no photo."""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.cache import cached
from core.formatting import format_vnd
from core.sharecards import Card, render

from .models import Fund


def _fraction(fund: Fund) -> float:
    return min(fund.amount_allocated / fund.amount_received, 1.0) if fund.amount_received else 0.0


def card_version(fund: Fund) -> str:
    raw = f"{fund.updated_at.isoformat()}|{fund.amount_received}|{fund.amount_allocated}|{fund.name}"
    return hashlib.blake2s(raw.encode(), digest_size=6).hexdigest()


def card_image(fund: Fund) -> bytes:
    """JPEG bytes, kept under the fund's version: its counters move with every gift that
    arrives and every allocation, each a save of the fund, so a change is a new key."""

    def compute() -> bytes:
        unit = fund.office.unit
        return render(
            Card(
                title=fund.name,
                lines=(fund.office.name, unit.name if unit else ""),
                fraction=_fraction(fund),
                figures=f"{format_vnd(fund.amount_allocated)} / {format_vnd(fund.amount_received)}",
                caption=_("Allocated to needs, of the money that came in"),
                kicker=settings.SITE_NAME,
            )
        )

    return cached(
        "fund-card",
        (),
        compute,
        timeout=settings.SHARE_CARD_CACHE_SECONDS,
        parts=(fund.pk, card_version(fund), get_language()),
    )


def share_meta(request, fund: Fund) -> dict:
    card = reverse("donations:fund_card", args=[fund.slug])
    figures = _("%(received)s came in, %(allocated)s allocated to needs.") % {
        "received": format_vnd(fund.amount_received),
        "allocated": format_vnd(fund.amount_allocated),
    }
    return {
        "title": fund.name,
        "description": Truncator(f"{fund.office.name}. {figures} {' '.join(fund.description.split())}").chars(300),
        "url": request.build_absolute_uri(fund.get_absolute_url()),
        "image": request.build_absolute_uri(f"{card}?v={card_version(fund)}"),
        "image_alt": f"{fund.name}: {figures}",
    }
