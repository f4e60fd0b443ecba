"""Who may set a trust signal aside: the officers who may verify the need (its school's
handling office, or a superuser: needs.permissions). School staff see their need but
may not dismiss its signals (403); outsiders do not see a need under review (404)."""

from django.core.exceptions import PermissionDenied

from needs.permissions import get_need_for_viewing, need_roles


def may_dismiss(user, need) -> bool:
    return "officer" in need_roles(user, need)


def get_need_for_dismissing(request, pk):
    need = get_need_for_viewing(request, pk)
    if not may_dismiss(request.user, need):
        raise PermissionDenied
    return need
