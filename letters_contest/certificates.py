"""A prize certificate (giấy chứng nhận) of the round's organising office, or of the body
that took over from it by the day the prize was awarded (`documents.issuers`).

Certificates are numbered when the organiser publishes the results and chooses who signs
them (`results.results_publish`): each award then gets the next GCN number of the
organiser's register, once, and its PDF is kept as issued and signed. Publishing, not the
first print, because printing is a download anyone of the school may do, and a GET never
takes a number. Before that, a certificate prints as a draft ("Số: …/GCN-…")."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.documents import render_pdf, render_pdf_locating
from documents.issuers import Issuer, issuer_of_office
from documents.services import Rendered


def certificate_date(award):
    """The day the certificate was issued; for a draft, the day the prize was awarded."""
    if award.certificate_id:
        return award.certificate.issued_on
    return timezone.localdate(award.decided_at) if award.decided_at else timezone.localdate()


def certificate_title(award) -> str:
    """The summary line the register keeps: "Giấy chứng nhận Giải Nhất – <code>"."""
    with translation.override("vi"):
        return f"{_('Certificate')} {award.get_level_display()} – {award.entry.code}"


def _context(entry, award, issuer: Issuer, number: str) -> dict:
    round_ = entry.round
    return {"entry": entry, "award": award, "round": round_, "edition": round_.edition, "issuer": issuer,
            "number": number}  # fmt: skip


def certificate_pdf(entry, award) -> bytes:
    """A draft certificate (not yet issued). May raise `documents.issuers.NoIssuer` (the
    view says so). An issued certificate is the stored one (`Award.certificate`)."""
    issuer = issuer_of_office(entry.round.organiser, on=certificate_date(award))
    return render_pdf("letters_contest/certificate.html", _context(entry, award, issuer, issuer.number("GCN")))


def certificate_rendered(award, issuer: Issuer, number_text: str) -> Rendered:
    """The certificate as issued: its number, date and signer, with its signature space."""
    pdf, spaces = render_pdf_locating(
        "letters_contest/certificate.html", _context(award.entry, award, issuer, number_text), "space"
    )
    return Rendered(pdf=pdf, signature_spaces=spaces)
