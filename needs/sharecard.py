"""The share card of a need (core.sharecards): what a link to its page shows on Facebook
or Zalo. Only a publishable photo's PUBLIC copy goes on it (NeedPhoto.objects.publishable()
and its `large` file, blurred where pupils' faces had to be), never the private original."""

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.cache import cached
from core.formatting import format_vnd
from core.sharecards import Card, render

from .models import Need, NeedPhoto


def card_photo(need: Need) -> NeedPhoto | None:
    """The photo on the card: the need's first publishable photo of the need itself."""
    return (
        NeedPhoto.objects.publishable().filter(need=need, kind=NeedPhoto.Kind.NEED).order_by("position", "pk").first()
    )


def place_of(need: Need) -> str:
    school = need.school
    units = [school.commune, school.district, school.province]
    return ", ".join(unit.name for unit in units if unit is not None)


def card_version(need: Need, photo: NeedPhoto | None) -> str:
    """Changes whenever what the card shows changes: a link's `?v=` so Facebook and Zalo,
    which keep a picture by its address, fetch the new one."""
    raw = f"{need.updated_at.isoformat()}|{need.amount_pledged}|{need.amount_requested}|{photo.pk if photo else 0}"
    return hashlib.blake2s(raw.encode(), digest_size=6).hexdigest()


def _card(need: Need) -> Card:
    school_line = need.school.name + (f" – {need.site.name}" if need.site_id else "")
    return Card(
        title=need.title,
        lines=(school_line, place_of(need)),
        fraction=need.pledged_fraction,
        figures=f"{format_vnd(need.amount_pledged)} / {format_vnd(need.amount_requested)}",
        caption=_("Pledged so far"),
        kicker=settings.SITE_NAME,
    )


def card_image(need: Need) -> bytes:
    """The card as JPEG bytes, kept in the cache under the need's own namespace (bumped by
    needs.signals and donations.signals on any change to it, its photos or its gifts) and
    its version: a change renews it at once."""
    photo = card_photo(need)

    def compute() -> bytes:
        if photo is None:
            return render(_card(need))
        with photo.large.open("rb") as public_copy:
            return render(_card(need), public_copy)

    return cached(
        "share-card",
        (f"need:{need.pk}",),
        compute,
        timeout=settings.SHARE_CARD_CACHE_SECONDS,
        parts=(need.pk, card_version(need, photo), get_language()),
    )


def share_meta(request, need: Need) -> dict:
    """The Open Graph and Twitter tags of the need's page (templates/includes/share_meta.html),
    with absolute addresses. Reads the photos the page already fetched: no query."""
    photo = next(
        (p for p in need.photos.all() if p.kind == NeedPhoto.Kind.NEED and p.is_publishable),
        None,
    )
    image = request.build_absolute_uri(f"{need_card_url(need)}?v={card_version(need, photo)}")
    return {
        "title": need.title,
        "description": _share_description(need),
        "url": request.build_absolute_uri(need.get_absolute_url()),
        "image": image,
        "image_alt": _("%(title)s: %(pledged)s pledged of %(requested)s")
        % {
            "title": need.title,
            "pledged": format_vnd(need.amount_pledged),
            "requested": format_vnd(need.amount_requested),
        },
    }


def need_card_url(need: Need) -> str:
    return reverse("needs:card", args=[need.pk])


def _share_description(need: Need) -> str:
    head = f"{need.school.name}, {place_of(need)}. "
    figures = _("Pledged %(pledged)s of %(requested)s.") % {
        "pledged": format_vnd(need.amount_pledged),
        "requested": format_vnd(need.amount_requested),
    }
    return Truncator(f"{head}{figures} {' '.join(need.description.split())}").chars(300)
