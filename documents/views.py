from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import xlsx_response
from core.ratelimit import limit_posts
from schools.models import Office

from . import permissions, selectors
from .forms import VerifyForm
from .verification import NotAPdf, verify_pdf


@login_required
@require_GET
def registers(request):
    """The registers the user reads: their offices' and schools'."""
    bodies = permissions.readable_bodies(request.user)
    rows = [(body, "office" if isinstance(body, Office) else "school") for body in bodies]
    return render(request, "documents/registers.html", {"rows": rows})


@login_required
@require_GET
def register(request, kind, pk):
    """One body's register for a year: every number issued, in order; Excel on request."""
    body = permissions.get_body_for_register(request, kind, pk)
    years = selectors.register_years(body)
    this_year = timezone.localdate().year
    year = request.GET.get("year", "")
    year = int(year) if year.isascii() and year.isdigit() and int(year) in years else (years[0] if years else this_year)
    documents = list(selectors.register_documents(body, year))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"so-van-ban-{kind}-{body.pk}-{year}",
            _("Register %(year)s") % {"year": year},
            [_("Number and symbol"), _("Date"), _("Kind"), _("Summary"), _("Signed by"), _("Issued by")],
            [
                (
                    document.number_text,
                    document.issued_on.strftime("%d/%m/%Y"),
                    document.get_kind_display(),
                    document.title,
                    " – ".join(part for part in (document.signer_name, document.signer_title) if part),
                    document.issued_by.full_name if document.issued_by else "",
                )
                for document in documents
            ],
        )
    return render(
        request,
        "documents/register.html",
        {"body": body, "kind": kind, "year": year, "years": years, "documents": documents},
    )


@login_required
@require_GET
def issued_pdf(request, pk):
    """A document as it was issued."""
    document = permissions.get_document_for_download(request, pk)
    name = document.number_text.replace("/", "-")
    return FileResponse(
        document.pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )


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
