from django.conf import settings

from schools.permissions import roles_of


def portal(request):
    """The site name and the signed-in user's roles, for the navigation."""
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else None
    return {"SITE_NAME": settings.SITE_NAME, "roles": roles}
