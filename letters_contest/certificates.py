"""A prize certificate (giấy chứng nhận) of the round's organising office, or of the body
that took over from it by the day the prize was awarded (`documents.issuers`)."""

from django.utils import timezone

from core.documents import render_pdf
from documents.issuers import issuer_of_office


def certificate_date(award):
    """The day the prize was awarded."""
    return timezone.localdate(award.decided_at) if award.decided_at else timezone.localdate()


def certificate_pdf(entry, award) -> bytes:
    """May raise `documents.issuers.NoIssuer` (the view says so)."""
    round_ = entry.round
    issuer = issuer_of_office(round_.organiser, on=certificate_date(award))
    return render_pdf(
        "letters_contest/certificate.html",
        {
            "entry": entry,
            "award": award,
            "round": round_,
            "edition": round_.edition,
            "issuer": issuer,
            "number": issuer.number("GCN"),
        },
    )
