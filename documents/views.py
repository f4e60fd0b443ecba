from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.ratelimit import limit_posts

from . import permissions
from .forms import VerifyForm
from .verification import NotAPdf, verify_pdf


@limit_posts("verify_signature")
def verify(request):
    """Anyone uploads a PDF and reads, for each signature, who signed, when, whether the
    bytes are intact and whether the certificate is trusted. The file is not kept."""
    if not permissions.can_verify_signatures(request.user):
        raise PermissionDenied
    result = None
    # Bound on every POST, even an empty one, so a post without a file says so.
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    if form.is_bound and form.is_valid():
        try:
            result = verify_pdf(form.cleaned_data["document"])
        except NotAPdf:
            form.add_error("document", _("This PDF is damaged or cannot be read."))
    context = {"form": form, "result": result, "online": settings.SIGNATURE_VALIDATION_ONLINE}
    return render(request, "documents/verify.html", context)
