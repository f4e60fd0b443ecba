"""Writes to needs. Every change of status goes through `need_transition`, which checks
the table below, locks the row, and records who did what in the same transaction."""

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from notices.models import Kind
from notices.services import notify
from schools.selectors import officers_of_school, school_people

from . import faces, lunch
from .faces import NOT_ASKED, PupilsAnswer
from .images import hashes_of_file, perceptual_hashes, process_photo, public_copies
from .models import Need, NeedEvent, NeedItem, NeedPhoto
from .permissions import SYSTEM, need_roles
from .signals import need_status_changed

logger = logging.getLogger(__name__)

S = Need.Status


@dataclass(frozen=True)
class Action:
    from_statuses: tuple[str, ...]
    to_status: str | None  # None: the status stays (a question or an answer)
    roles: frozenset[str]
    label: str
    needs_note: bool = False
    event_kind: str = NeedEvent.Kind.STATUS


ACTIONS: dict[str, Action] = {
    "submit": Action((S.DRAFT, S.RETURNED), S.SUBMITTED, frozenset({"staff", "officer"}), gettext_lazy("Submit")),
    "verify": Action((S.SUBMITTED,), S.VERIFIED, frozenset({"officer"}), gettext_lazy("Verify")),
    "return": Action(
        (S.SUBMITTED,), S.RETURNED, frozenset({"officer"}), gettext_lazy("Return to the school"), needs_note=True
    ),
    "ask": Action(
        (S.SUBMITTED,),
        None,
        frozenset({"officer"}),
        gettext_lazy("Ask for more information"),
        needs_note=True,
        event_kind=NeedEvent.Kind.QUESTION,
    ),
    "answer": Action(
        (S.SUBMITTED, S.RETURNED),
        None,
        frozenset({"staff"}),
        gettext_lazy("Answer"),
        needs_note=True,
        event_kind=NeedEvent.Kind.ANSWER,
    ),
    "cancel": Action(
        (S.DRAFT, S.SUBMITTED, S.RETURNED, S.VERIFIED),
        S.CANCELLED,
        frozenset({"staff", "officer"}),
        gettext_lazy("Cancel"),
    ),
    "fund": Action((S.VERIFIED,), S.FUNDED, frozenset({SYSTEM, "officer"}), gettext_lazy("Mark as fully funded")),
    "reopen": Action((S.FUNDED,), S.VERIFIED, frozenset({SYSTEM}), gettext_lazy("Reopen for gifts")),
    "deliver": Action(
        (S.FUNDED,), S.DELIVERED, frozenset({"staff", "officer"}), gettext_lazy("Confirm delivery"), needs_note=True
    ),
    "close": Action((S.DELIVERED,), S.CLOSED, frozenset({"officer"}), gettext_lazy("Close")),
    "expire": Action((S.VERIFIED,), S.EXPIRED, frozenset({SYSTEM}), gettext_lazy("Expire")),
    # A lunch need closes when its school year ends, with what was covered
    # (donations.sponsorships.close_ended_years).
    "close_year": Action(
        (S.VERIFIED, S.FUNDED), S.CLOSED, frozenset({SYSTEM}), gettext_lazy("Close at the end of the school year")
    ),
}


class ActionNotAllowed(PermissionDenied):
    """This person may not do this to this need (403)."""


class ActionInvalid(Exception):
    """The need is not in a state where this can happen, or something is missing."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def allowed_actions(need: Need, user) -> list[str]:
    """What this user may do to the need now, in the table's order (for buttons)."""
    roles = need_roles(user, need)
    return [
        name
        for name, action in ACTIONS.items()
        if need.status in action.from_statuses and roles & action.roles and not (name == "deliver" and need.is_lunch)
    ]


def need_transition(*, need: Need, action: str, actor=None, note: str = "", attachment=None) -> Need:
    """Apply one action of ACTIONS. `actor=None` means the system (a scheduled job or
    the donations app), which only the SYSTEM actions accept. A question or an answer
    may carry a file already checked (needs.forms.attachment_file)."""
    spec = ACTIONS[action]
    note = (note or "").strip()
    with transaction.atomic():
        # Lock the row: two officers pressing "verify" at once record one change.
        locked = Need.objects.select_for_update().select_related("school").get(pk=need.pk)
        roles = need_roles(actor, locked) if actor is not None else {SYSTEM}
        if not roles & spec.roles:
            raise ActionNotAllowed(_("You may not do this to this need."))
        if locked.status not in spec.from_statuses:
            raise ActionInvalid(
                _("This cannot be done while the need is “%(status)s”.") % {"status": locked.get_status_display()}
            )
        if spec.needs_note and not note:
            raise ActionInvalid(_("Please write a note: the other side needs to know why."))
        if action == "submit":
            _check_complete(locked)
        if action == "deliver" and locked.is_lunch:
            raise ActionInvalid(
                _(
                    "School lunches are delivered month by month, as each month is paid; "
                    "the need closes when its school year ends."
                )
            )
        if action == "cancel" and locked.amount_pledged > 0:
            raise ActionInvalid(_("Donors have pledged to this need: their pledges must be cancelled first."))

        from_status = locked.status
        now = timezone.now()
        fields = ["updated_at"]
        if spec.to_status is not None:
            locked.status = spec.to_status
            fields.append("status")
            stamp = {
                S.SUBMITTED: "submitted_at",
                S.VERIFIED: "verified_at" if action == "verify" else None,
                S.FUNDED: "funded_at",
                S.DELIVERED: "delivered_at",
            }.get(spec.to_status)
            if stamp:
                setattr(locked, stamp, now)
                fields.append(stamp)
            if action == "verify":
                locked.verified_by = actor
                fields.append("verified_by")
            if action == "deliver":
                locked.delivery_note = note
                fields.append("delivery_note")
        locked._history_user = actor  # the audit trail's "who", also outside a request
        locked.save(update_fields=fields)
        NeedEvent.objects.create(
            need=locked,
            kind=spec.event_kind,
            from_status=from_status,
            to_status=locked.status,
            actor=actor,
            note=note,
            attachment=attachment if attachment is not None and action in ("ask", "answer") else "",
            created_at=now,
        )
        if spec.to_status is not None:
            need_status_changed.send(sender=Need, need=locked, action=action, actor=actor)
        # Whoever the need now waits on is told, in the same transaction (notices' outbox).
        _notify_step(locked, action, actor, note)
    need.refresh_from_db()
    return need


# The steps that hand the need to the other side, and the kind of notice each sends.
NOTIFIED_STEPS = {
    "ask": Kind.QUESTION_ASKED,
    "return": Kind.NEED_RETURNED,
    "verify": Kind.NEED_VERIFIED,
    "answer": Kind.QUESTION_ANSWERED,
    "submit": Kind.NEED_SUBMITTED,
    "deliver": Kind.NEED_DELIVERED,
}


def _notify_step(need: Need, action: str, actor, note: str) -> None:
    """An office's question, return or verification tells the school's people; the
    school's answer tells the officers who asked (else every officer handling it); a need
    sent for verification, or reported delivered, tells the officers handling the school,
    whose step comes next."""
    kind = NOTIFIED_STEPS.get(action)
    if kind is None:
        return
    if action == "answer":
        askers = [
            event.actor
            for event in NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.QUESTION, actor__isnull=False)
            .select_related("actor")
            .order_by("-created_at")
        ]
        people = askers or officers_of_school(need.school)
    elif action in ("submit", "deliver"):
        people = officers_of_school(need.school)
    else:
        people = school_people(need.school)
    people = [p for p in people if not (actor is not None and getattr(p, "pk", None) == actor.pk)]
    notify(
        people,
        kind,
        template=f"needs/email/{action}",
        context={"need": need, "school": need.school, "actor": actor, "note": note},
        link=need.get_absolute_url(),
    )


def _check_complete(need: Need) -> None:
    if not need.items.exists() or need.amount_requested <= 0:
        raise ActionInvalid(_("Add at least one item with its cost before submitting."))


def need_save(*, need: Need, items: list[dict], actor, photos: list[NeedPhoto] = ()) -> Need:
    """Create or update a need with its items (replacing them) and attach new photos.

    Only drafts and returned needs change; the total is recomputed from the items. A
    lunch need (Need.is_lunch) has one item, pupils × months at the cost per pupil per
    month, whatever items are given, and a LunchMonth row for each of its months.
    """
    if need.pk and not need.is_editable:
        raise ActionInvalid(_("Only drafts and returned needs can be edited."))
    created = need.pk is None
    if need.is_lunch:
        items = [lunch.lunch_item(need)]
    with transaction.atomic():
        need.amount_requested = sum(item["quantity"] * item["unit_cost"] for item in items)
        if created:
            need.created_by = actor
        need._history_user = actor
        need.save()
        _save_items(need=need, items=items, actor=actor)
        lunch.save_months(need)
        start = need.photos.filter(kind=NeedPhoto.Kind.NEED).count()
        for offset, photo in enumerate(photos):
            photo.need = need
            photo.upload_token = None
            photo.position = start + offset
            photo._history_user = actor
            photo.save(update_fields=["need", "upload_token", "position"])
        NeedEvent.objects.create(
            need=need,
            kind=NeedEvent.Kind.STATUS if created else NeedEvent.Kind.EDIT,
            from_status="" if created else need.status,
            to_status=need.status,
            actor=actor,
        )
    return need


def _save_items(*, need: Need, items: list[dict], actor) -> None:
    """Make the need's items the given rows, row by row in order: a row that changed is
    updated, one that did not is left alone, extra rows are added or removed, so each
    item's history shows what really changed and who changed it."""
    existing = list(need.items.order_by("position", "pk"))
    for position, values in enumerate(items):
        item = existing[position] if position < len(existing) else NeedItem(need=need)
        wanted = {**values, "position": position}
        if item.pk and all(getattr(item, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(item, name, value)
        item._history_user = actor
        item.save()
    for item in existing[len(items) :]:
        item._history_user = actor
        item.delete()


def bulk_verify(*, needs: list[Need], actor) -> tuple[int, list[str]]:
    """Verify several needs; each is its own transaction, so one refusal stops nothing."""
    done, refused = 0, []
    for need in needs:
        try:
            need_transition(need=need, action="verify", actor=actor)
            done += 1
        except (ActionNotAllowed, ActionInvalid):
            refused.append(need.title)
    return done, refused


def photo_create(
    *, upload, actor, kind=NeedPhoto.Kind.NEED, need=None, upload_token=None, pupils: PupilsAnswer = NOT_ASKED
) -> NeedPhoto:
    """Store a validated upload (raises ValidationError otherwise) as a photo.

    `pupils` is the school's answer about the pupils in it (needs.faces): recognisable
    pupils without both consents are blurred on the public copy, which then waits for the
    officer (photo_check); not asked, the detector decides, and a photo with a face found
    waits too. The consents are recorded as given by `actor` now."""
    processed = process_photo(upload, blur_faces=pupils.blur)
    return _photo_store(processed, actor=actor, kind=kind, need=need, upload_token=upload_token, pupils=pupils)


def _photo_store(
    processed, *, actor, kind, need=None, upload_token=None, pupils: PupilsAnswer = NOT_ASKED
) -> NeedPhoto:
    now = timezone.now()
    recognisable = pupils.recognisable
    waiting = bool(recognisable and pupils.blur) or (recognisable is None and bool(processed.faces))
    photo = NeedPhoto(
        need=need,
        kind=kind,
        upload_token=upload_token,
        uploaded_by=actor,
        phash=processed.phash,
        dhash=processed.dhash,
        pupils_recognisable=recognisable,
        faces_found=processed.faces,
        public_copy=NeedPhoto.PublicCopy.WAITING if waiting else NeedPhoto.PublicCopy.NOT_NEEDED,
    )
    if recognisable and pupils.child_consent:
        photo.child_consent_by, photo.child_consent_at = actor, now
    if recognisable and pupils.guardian_consent:
        photo.guardian_consent_by, photo.guardian_consent_at = actor, now
    photo.large.save("photo.jpg", processed.large, save=False)
    photo.thumb.save("photo.jpg", processed.thumb, save=False)
    if processed.original is not None:
        photo.original.save("original.jpg", processed.original, save=False)
    photo._history_user = actor
    photo.save()
    return photo


def photo_check(*, photo: NeedPhoto, officer, publish: bool) -> NeedPhoto:
    """The officer's decision on a public copy waiting for them: publish it (the faces
    that had to be blurred are) or hide the photo (a face was missed: the school posts
    another). Only officers of the need's school decide; the history keeps who and when."""
    if photo.need is None or "officer" not in need_roles(officer, photo.need):
        raise ActionNotAllowed
    with transaction.atomic():
        locked = NeedPhoto.objects.select_for_update().get(pk=photo.pk)
        if not locked.is_waiting:
            raise ActionInvalid(_("This photo has already been checked."))
        locked.public_copy = NeedPhoto.PublicCopy.CONFIRMED if publish else NeedPhoto.PublicCopy.HIDDEN
        locked.public_copy_checked_by, locked.public_copy_checked_at = officer, timezone.now()
        locked._history_user = officer
        locked.save(update_fields=["public_copy", "public_copy_checked_by", "public_copy_checked_at"])
    return locked


def photo_blur_published(*, photo: NeedPhoto) -> bool:
    """Put a photo stored before the question through the same step: where the detector
    finds a face, the public copy is blurred (new names: the old files, with faces, are
    removed), the original kept privately, and the photo waits for the officer. Returns
    whether faces were found. Photos the detector has seen are left alone, so the command
    can run again."""
    if photo.faces_found is not None or photo.pupils_recognisable is not None:
        return False
    photo.large.open("rb")
    try:
        original_bytes = photo.large.read()
    finally:
        photo.large.close()
    with Image.open(io.BytesIO(original_bytes)) as stored:
        blurred, boxes = faces.blur_faces(stored.convert("RGB"))
    old_files = [photo.large.name, photo.thumb.name]
    with transaction.atomic():
        photo = NeedPhoto.objects.select_for_update().get(pk=photo.pk)
        if photo.faces_found is not None:
            return False
        photo.faces_found = len(boxes)
        photo._history_user = None  # the system's
        if not boxes:
            photo.save(update_fields=["faces_found"])
            return False
        large_bytes, thumb_bytes = public_copies(blurred)
        photo.original.save("original.jpg", ContentFile(original_bytes), save=False)
        photo.large.save("photo.jpg", ContentFile(large_bytes), save=False)
        photo.thumb.save("photo.jpg", ContentFile(thumb_bytes), save=False)
        with Image.open(io.BytesIO(large_bytes)) as stored:
            photo.phash, photo.dhash = perceptual_hashes(stored)
            photo.width, photo.height = stored.size
        photo.public_copy = NeedPhoto.PublicCopy.WAITING
        photo.save()
    storage = photo.large.storage
    for name in old_files:
        storage.delete(name)
    return True


def photo_fill_hashes(*, batch: int = 500) -> int:
    """Hash the photos stored before hashes were (or whose hashing failed), from their
    large file; a missing or unreadable file is left empty and skipped. Returns how many
    were filled. Idempotent: only empty rows are read."""
    filled = 0
    for photo in NeedPhoto.objects.filter(phash__isnull=True).order_by("pk").iterator(chunk_size=batch):
        try:
            phash, dhash = hashes_of_file(photo.large)
        except (OSError, ValueError, SyntaxError):
            continue
        with transaction.atomic():
            photo.phash, photo.dhash = phash, dhash
            photo._history_user = None  # the system's
            photo.save(update_fields=["phash", "dhash"])
        filled += 1
    return filled


def need_deliver(*, need: Need, actor, note: str, uploads, pupils: PupilsAnswer = NOT_ASKED) -> Need:
    """Confirm a delivery with its photos of proof, all or nothing: a refused delivery
    stores nothing, neither rows nor files (issue 19: the files of refused posts stayed on
    disk). Every photo is checked before anything is written, the files only once the
    delivery is allowed. Raises ValidationError for a photo that is not one, ActionInvalid
    or ActionNotAllowed as need_transition does."""
    processed = [process_photo(upload, blur_faces=pupils.blur) for upload in uploads]
    stored = []
    try:
        with transaction.atomic():
            need = need_transition(need=need, action="deliver", actor=actor, note=note)
            for photo in processed:
                stored.append(_photo_store(photo, actor=actor, kind=NeedPhoto.Kind.PROOF, need=need, pupils=pupils))
    except BaseException:
        for photo in stored:  # the rows went with the transaction; the files are ours to remove
            _delete_files(photo)
        raise
    return need


def _delete_files(photo: NeedPhoto) -> None:
    for image in (photo.large, photo.thumb, photo.original):
        if image.name:
            image.storage.delete(image.name)


def delete_abandoned_photos() -> dict:
    """Delete the photos that waited for a form nobody saved (NeedPhoto.upload_token, no
    need) for longer than NEED_PHOTO_PENDING_HOURS: rows, then files. One photo that
    cannot be deleted is logged and counted, the rest are deleted."""
    cutoff = timezone.now() - timedelta(hours=settings.NEED_PHOTO_PENDING_HOURS)
    deleted = failed = 0
    waiting = NeedPhoto.objects.filter(need__isnull=True, created_at__lt=cutoff).order_by("pk")
    for photo in waiting.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                # Claimed under a lock: a form saved at this moment keeps its photo.
                claimed = NeedPhoto.objects.select_for_update().filter(pk=photo.pk, need__isnull=True).first()
                if claimed is None:
                    continue
                claimed._history_user = None  # the system's
                claimed.delete()
            _delete_files(photo)
            deleted += 1
        except Exception:
            logger.exception("Abandoned photo %s could not be deleted", photo.pk)
            failed += 1
    return {"deleted": deleted, "failed": failed}


def photo_delete(*, photo: NeedPhoto, actor) -> None:
    need = photo.need
    if need is not None and not need.is_editable and photo.kind == NeedPhoto.Kind.NEED:
        raise ActionInvalid(_("Photos can only be removed while the need is a draft or returned."))
    with transaction.atomic():
        photo._history_user = actor
        photo.delete()
    # The files go once the row is gone: a failed delete leaves a photo that still shows.
    _delete_files(photo)
    if photo.original:
        photo.original.delete(save=False)
