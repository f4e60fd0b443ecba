"""A contest letter, from the entry form to the entry, and back to the reader.

A letter is checked by its content, never its name: a PDF is rewritten by the portal's
PDF gate (core.pdfs.clean_pdf) without scripts, actions, embedded files or forms, within
the contest's size and page limits; anything else must be a photo or scan that passes the
portal's image guard (needs.images.process_photo), which stores it re-encoded without
EXIF. What is stored is the cleaned file, never the upload.

Like need photos, a letter accepted by a form that has another error waits under the
form's upload token (PendingLetter) so the school does not choose it again; registering
the entry hands its file over. Letters nobody registered are deleted by the hourly task
(tasks.delete_abandoned_letters).
"""

import io
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import each_row
from core.pdfs import MAGIC, PdfRefused, clean_pdf
from needs.images import process_photo

from . import services
from .models import ContestRound, Entry, PendingLetter

logger = logging.getLogger(__name__)

LETTER_MAX_BYTES = 10 * 1024 * 1024
# A handwritten letter of at most the edition's word limit (800 words by default) fills a
# few pages; ten leaves room for a cover and drawings.
LETTER_MAX_PAGES = 10

# How a stored letter is served, by the extension it was stored under (always ours).
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg"}


@dataclass
class CheckedLetter:
    content: ContentFile
    kind: str
    pages: int | None
    name: str  # as the uploader chose it, to show back


def check_letter(upload) -> CheckedLetter:
    """The upload cleaned, or ValidationError with a reason a school clerk can act on."""
    name = os.path.basename(upload.name or "")[-150:] or "letter"
    upload.seek(0)
    head = upload.read(len(MAGIC))
    upload.seek(0)
    if head == MAGIC:
        try:
            data = clean_pdf(upload, max_bytes=LETTER_MAX_BYTES, max_pages=LETTER_MAX_PAGES)
        except PdfRefused as refused:
            raise ValidationError(refused.message, code="pdf") from None
        return CheckedLetter(ContentFile(data, name="letter.pdf"), PendingLetter.Kind.PDF, _page_count(data), name)
    if name.lower().endswith(".pdf") or getattr(upload, "content_type", "") == "application/pdf":
        raise ValidationError(_("This file is not a PDF."), code="pdf")
    processed = process_photo(upload)  # raises ValidationError with the reason
    processed.large.name = "letter.jpg"
    return CheckedLetter(processed.large, PendingLetter.Kind.IMAGE, None, name)


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def upload_token(request) -> str:
    """The form's token: the one posted if it is a UUID, else a new one."""
    try:
        return str(uuid.UUID(request.POST.get("upload_token", "")))
    except ValueError:
        return str(uuid.uuid4())


def pending_letter(*, round_: ContestRound, user, token: str) -> PendingLetter | None:
    """The letter waiting under this form's token, if this user uploaded it."""
    return PendingLetter.objects.filter(round=round_, upload_token=token, uploaded_by=user).first()


def letter_keep(*, round_: ContestRound, actor, token: str, letter: CheckedLetter) -> PendingLetter:
    """Store a checked letter under the form's token, replacing the one waiting there."""
    pending = PendingLetter(
        round=round_, upload_token=token, uploaded_by=actor, name=letter.name, kind=letter.kind, pages=letter.pages
    )
    pending.file.save(letter.content.name, letter.content, save=False)
    try:
        with transaction.atomic():
            replaced = list(PendingLetter.objects.select_for_update().filter(upload_token=token, uploaded_by=actor))
            for old in replaced:
                old.delete()
            pending.save()
    except BaseException:
        pending.file.storage.delete(pending.file.name)
        raise
    for old in replaced:  # the rows are gone: their files are nobody's
        old.file.storage.delete(old.file.name)
    return pending


def entry_register_with_letter(*, round_: ContestRound, entry: Entry, actor, letter: PendingLetter) -> Entry:
    """Register the entry (services.entry_register) with the waiting letter as its own.
    The letter is claimed under a lock: the cleanup task cannot take it meanwhile."""
    with transaction.atomic():
        claimed = PendingLetter.objects.select_for_update().filter(pk=letter.pk).first()
        if claimed is None:
            raise services.EntryRefused(
                _("The letter waited too long and was deleted: please choose it again."), field="letter_file"
            )
        entry.letter_file = claimed.file.name
        entry = services.entry_register(round_=round_, entry=entry, actor=actor)
        claimed.delete()  # the row only: the file is the entry's now
    return entry


def delete_abandoned_letters() -> dict:
    """Delete the letters that waited for an entry form nobody saved for longer than
    CONTEST_LETTER_PENDING_HOURS: the row, then its file."""
    cutoff = timezone.now() - timedelta(hours=settings.CONTEST_LETTER_PENDING_HOURS)

    def delete(letter: PendingLetter) -> bool:
        with transaction.atomic():
            # Claimed under a lock: a form registered at this moment keeps its letter.
            claimed = PendingLetter.objects.select_for_update().filter(pk=letter.pk).first()
            if claimed is None:
                return False
            claimed.delete()
        letter.file.storage.delete(letter.file.name)
        return True

    waiting = PendingLetter.objects.filter(created_at__lt=cutoff).order_by("pk")
    return each_row("letters_contest.pending_letters", list(waiting), delete)


def letter_response(entry: Entry) -> FileResponse:
    """The entry's letter, shown in the browser as what it is (a PDF or a JPEG), under the
    entry's code; a file of any other kind (never stored by the form) is only downloaded."""
    extension = os.path.splitext(entry.letter_file.name)[1].lower()
    content_type = CONTENT_TYPES.get(extension)
    response = FileResponse(
        entry.letter_file.open("rb"),
        as_attachment=content_type is None,
        filename=f"{entry.code}{extension if content_type else '.bin'}",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def clean_stored_letters() -> dict:
    """Rewrite the PDF letters stored before the form cleaned them (the command
    clean_contest_letters): each through core.pdfs.clean_pdf, stored under a new name,
    the old file deleted once the entry points at the new one. Safe to run again (a clean
    letter comes out the same letter); one the gate refuses is logged and counted
    (core.jobs.each_row)."""

    def clean(entry: Entry) -> bool:
        with entry.letter_file.open("rb") as stored:
            original = stored.read()
        # Letters of any length were accepted then: only the content is the gate's business.
        data = clean_pdf(ContentFile(original), max_bytes=max(len(original), 1), max_pages=10_000)
        old_name = entry.letter_file.name
        entry.letter_file.save("letter.pdf", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                entry._history_user = None  # the system's
                entry.save(update_fields=["letter_file", "updated_at"])
        except BaseException:
            entry.letter_file.storage.delete(entry.letter_file.name)
            raise
        entry.letter_file.storage.delete(old_name)
        return True

    letters = Entry.objects.filter(letter_file__iendswith=".pdf").select_related("round").order_by("pk")
    return each_row("letters_contest.clean_letters", list(letters), clean)
