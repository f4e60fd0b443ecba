"""Who may read a document register and the documents in it. An office's register is read
by the officers of that office and of the offices above it (a department reads its
communes' registers), a school's by its staff and the officers who handle the school; a
superuser reads all. Someone with no office or school at all is told nothing exists (404);
an officer or school staff member of another body is refused (403).

Who may do what with official documents.

Who may sign a body's documents (its signers) is kept by that body: an office's signers
by the officers (and contest organisers) of that office and the superuser; a school's by its staff and the
officers who handle it (the principal is school staff).

Checking the signatures of a document is open to everyone, signed in or not: a donor, a
school or a newspaper holding a downloaded decision must be able to tell whether it is
the one the office signed (issue 16). Only posting is rate-limited (`core.ratelimit`)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.models import Membership, Office, School
from schools.permissions import can_act_on_school, can_act_on_unit, roles_of

from .models import IssuedDocument, Signer

BODIES = {"office": Office, "school": School}


def may_read_register_of(user, body) -> bool:
    if isinstance(body, Office):
        return can_act_on_unit(user, body.unit)
    return can_act_on_school(user, body)


def _insider(user) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or bool(roles.memberships)


def _get_body(request, kind: str, pk: int, allowed):
    """The office or school (`kind`) numbered `pk`, if `allowed(user, body)`."""
    if kind not in BODIES or not _insider(request.user):
        raise Http404
    queryset = Office.objects.select_related("unit") if kind == "office" else School.objects.all()
    body = get_object_or_404(queryset, pk=pk)
    if not allowed(request.user, body):
        raise PermissionDenied
    return body


def get_body_for_register(request, kind: str, pk: int):
    """The office or school whose register is asked for, if the user may read it."""
    return _get_body(request, kind, pk, may_read_register_of)


def get_document_for_download(request, pk: int) -> IssuedDocument:
    if not _insider(request.user):
        raise Http404
    document = get_object_or_404(
        IssuedDocument.objects.select_related("register__office__unit", "register__school"), pk=pk
    )
    if not may_read_register_of(request.user, document.register.body):
        raise PermissionDenied
    if not document.pdf:
        raise Http404
    return document


def readable_bodies(user) -> list:
    """The offices and schools whose registers the user reads from their own memberships."""
    roles = roles_of(user)
    bodies = [m.office for m in roles.memberships if m.office_id] + [m.school for m in roles.memberships if m.school_id]
    return list(dict.fromkeys(bodies))


def can_verify_signatures(user) -> bool:
    return True


def may_manage_signers_of(user, body) -> bool:
    roles = roles_of(user)
    if isinstance(body, Office):
        # The office's own officers, and its organisers (the contest's organising office).
        members = roles.of(Membership.Role.OFFICER) + roles.of(Membership.Role.ORGANISER)
        return roles.is_superuser or any(m.office_id == body.pk for m in members)
    return can_act_on_school(user, body)


def get_body_for_signers(request, kind: str, pk: int):
    """The office or school whose signers are asked for, if the user keeps them."""
    return _get_body(request, kind, pk, may_manage_signers_of)


def get_signer_for_managing(request, pk: int) -> Signer:
    if not _insider(request.user):
        raise Http404
    signer = get_object_or_404(Signer.objects.select_related("office__unit", "school"), pk=pk)
    if not may_manage_signers_of(request.user, signer.body):
        raise PermissionDenied
    return signer


def get_document_for_signing(request, pk: int) -> IssuedDocument:
    """Signing an issued document again after a failure: whoever reads the body's register
    (its officers and those above them; a school's staff and its officers)."""
    if not _insider(request.user):
        raise Http404
    document = get_object_or_404(
        IssuedDocument.objects.select_related("register__office__unit", "register__school"), pk=pk
    )
    if not may_read_register_of(request.user, document.register.body):
        raise PermissionDenied
    return document
