"""Uploaded files, served by the portal itself in every profile.

Only what is public by nature is served by address: the photos of needs and of their
delivery (`needs/`) and campaign banners (`campaigns/` itself). Everything else under
MEDIA_ROOT is private and reachable only through a view that checks who asks: pupils'
contest letters (`contest/`, letters_contest.views.entry_letter and judging_letter) and
the plans' documents (`campaigns/documents/`). A front server or CDN may serve the two
public folders directly; it must never serve MEDIA_ROOT as a whole.

Names are random and never reused (needs.models._photo_path), so a file may be cached for
a year.
"""

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_GET
from django.views.static import serve

PUBLIC_FOLDERS = ("needs/",)
PUBLIC_FILES_IN = ("campaigns/",)  # files directly in it, not its subfolders


def is_public(path: str) -> bool:
    if ".." in path.split("/") or path.startswith("/") or "\\" in path:
        return False
    if path.startswith(PUBLIC_FOLDERS):
        return True
    return any(path.startswith(folder) and "/" not in path[len(folder) :] for folder in PUBLIC_FILES_IN)


@require_GET
def public_media(request, path):
    if not is_public(path):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
