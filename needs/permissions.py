"""Who may see and act on a need. Built on schools.permissions: a need belongs to a school.

Roles on a need: "staff" (staff of its school), "officer" (an education officer whose
office handles the school, `School.handled_by`, or a superuser) and SYSTEM (scheduled jobs and the donations app,
acting with no user).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from schools.permissions import roles_of

from .models import Need, NeedEvent, NeedPhoto

SYSTEM = "system"


def need_roles(user, need: Need) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    roles = roles_of(user)
    found = set()
    if roles.is_superuser or roles.handles_school(need.school):
        found.add("officer")
    if any(school.pk == need.school_id for school in roles.staff_schools):
        found.add("staff")
    return found


def can_see_need(user, need: Need) -> bool:
    return need.is_public or bool(need_roles(user, need))


def can_edit_need(user, need: Need) -> bool:
    return need.is_editable and bool(need_roles(user, need) & {"staff", "officer"})


def get_need_for_viewing(request, pk, queryset=None) -> Need:
    """A need the user may see. Drafts and needs under review are 404 to outsiders, so
    their ids cannot be probed."""
    need = get_object_or_404(queryset if queryset is not None else Need.objects.select_related("school"), pk=pk)
    if not can_see_need(request.user, need):
        raise Http404
    return need


def get_need_for_editing(request, pk) -> Need:
    need = get_need_for_viewing(request, pk)
    if not need_roles(request.user, need) & {"staff", "officer"}:
        raise PermissionDenied
    return need


def photos_seen_by(roles: set[str], photos):
    """The photos of a need a person sees: its school and officers see them all (those
    waiting for the officer and those hidden too); everyone else only those whose public
    copy may be published (NeedPhoto.PUBLISHABLE)."""
    if roles & {"staff", "officer"}:
        return list(photos)
    return [photo for photo in photos if photo.is_publishable]


def get_photo_original(request, pk, photo_pk) -> NeedPhoto:
    """A photo's original (pupils' faces unblurred): for the school's staff and its
    officers only, never by address. Outsiders of a private need get 404, of a public one 403."""
    need = get_need_for_viewing(request, pk)
    if not need_roles(request.user, need) & {"staff", "officer"}:
        raise PermissionDenied
    return get_object_or_404(NeedPhoto.objects.exclude(original=""), pk=photo_pk, need=need)


def get_event_attachment(request, pk, event_pk) -> NeedEvent:
    """The file of a question or an answer (the conversation between school and office):
    for the school's staff and its officers only, as the conversation is. Outsiders of a
    private need get 404, of a public one 403."""
    need = get_need_for_viewing(request, pk)
    if not need_roles(request.user, need) & {"staff", "officer"}:
        raise PermissionDenied
    return get_object_or_404(NeedEvent.objects.exclude(attachment=""), pk=event_pk, need=need)


def get_photo_for_checking(request, pk, photo_pk) -> NeedPhoto:
    """A photo whose public copy an officer of the need's school confirms or hides; its
    school sees it and may not (403)."""
    need = get_need_for_viewing(request, pk)
    if "officer" not in need_roles(request.user, need):
        raise PermissionDenied
    photo = get_object_or_404(NeedPhoto, pk=photo_pk, need=need)
    photo.need = need
    return photo
