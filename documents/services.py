"""Writes of the documents app. Issuing a document takes the next number of its body's
register for the year under the register's row lock, so two officers issuing at the same
moment never get one number twice; the number is never given back, even if what follows
in the caller's transaction fails before it commits (then nothing was issued at all)."""

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from .models import DocumentKind, IssuedDocument, Register


def _register_for_update(*, office, school, year: int) -> Register:
    body = {"office": office} if office is not None else {"school": school}
    for _attempt in range(2):
        register = Register.objects.select_for_update().filter(year=year, **body).first()
        if register is not None:
            return register
        try:
            with transaction.atomic():  # a savepoint: another transaction may create it first
                Register.objects.create(year=year, **body)
        except IntegrityError:
            pass
    return Register.objects.select_for_update().get(year=year, **body)


def register_document(
    *,
    kind: str,
    body_symbol: str,
    title: str,
    issued_on: date,
    user,
    office=None,
    school=None,
    signer_name: str = "",
    signer_title: str = "",
    pdf: bytes | None = None,
) -> IssuedDocument:
    """Enter a document in its body's register and give it the next number. `body_symbol`
    is the issuing body's abbreviation ("UBND", "SGDĐT"): the document's symbol is the
    kind's abbreviation and it ("KH-UBND"). Exactly one of `office` and `school`."""
    if (office is None) == (school is None):
        raise ValueError("A document is issued by one office or one school.")
    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind: {kind!r}")
    with transaction.atomic():
        register = _register_for_update(office=office, school=school, year=issued_on.year)
        register.last_number += 1
        register.save(update_fields=["last_number"])
        document = IssuedDocument(
            register=register,
            number=register.last_number,
            kind=kind,
            symbol=f"{kind}-{body_symbol}",
            title=title,
            issued_on=issued_on,
            signer_name=signer_name,
            signer_title=signer_title,
            issued_by=user,
        )
        document._history_user = user
        if pdf is not None:
            document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        document.save()
    return document


def attach_pdf(*, document: IssuedDocument, pdf: bytes, user) -> IssuedDocument:
    """Keep the PDF as issued (or as signed, which replaces the unsigned one)."""
    with transaction.atomic():
        old = document.pdf.name if document.pdf else ""
        document.pdf.save("document.pdf", ContentFile(pdf), save=False)
        document._history_user = user
        document.save(update_fields=["pdf"])
        if old:
            transaction.on_commit(lambda: document.pdf.storage.delete(old))
    return document
