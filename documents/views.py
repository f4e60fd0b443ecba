from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exports import xlsx_response
from core.ratelimit import limit_posts
from schools.models import Office

from . import permissions, selectors, services
from .forms import SignerForm, VerifyForm
from .issuers import NoIssuer, issuer_of_body, issuing_office
from .signing import SigningFailed
from .verification import NotAPdf, verify_pdf

# --- for the apps that issue documents (campaigns, donations) --------------------------


def sign_and_tell(request, document) -> None:
    """Sign an issued document with its body's keys and say how it went: a failure leaves
    it issued, numbered and unsigned, to be signed again from its page."""
    try:
        signed = services.sign_issued(document=document, user=request.user)
    except SigningFailed as failure:
        messages.error(
            request,
            _("%(number)s is issued but not signed: %(reason)s Sign it again once the key is in order.")
            % {"number": document.number_text, "reason": failure},
        )
        return
    if signed:
        messages.success(request, _("%(number)s is issued and signed.") % {"number": document.number_text})
    else:
        messages.success(request, _("%(number)s is issued.") % {"number": document.number_text})


def issuing_body(office, on):
    """The body a document of `office` is issued by on `on`, or the reason there is none."""
    try:
        return issuing_office(office, on), ""
    except NoIssuer as problem:
        return None, str(problem)


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


def _body_kind(body) -> str:
    return "office" if isinstance(body, Office) else "school"


def _lines_of(signer):
    """The signer's signature lines as the body's documents print them today."""
    try:
        return issuer_of_body(signer.body, on=timezone.localdate()).with_signer(signer).signature_lines
    except (NoIssuer, ValueError):
        return ()


def _save_signer(request, form):
    try:
        services.signer_save(signer=form.instance, user=request.user)
    except ValidationError as refused:  # the rules changed under the form (another save)
        form.add_error(None, refused)
        return False
    return True


@login_required
def signers(request, kind, pk):
    """Who may sign the body's documents: the list, and a form to add one."""
    body = permissions.get_body_for_signers(request, kind, pk)
    form = SignerForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid() and _save_signer(request, form):
        messages.success(request, _("%(name)s may now sign for %(body)s.") % {"name": form.instance.full_name,
                                                                            "body": body.name})  # fmt: skip
        return redirect("documents:signers", kind=kind, pk=body.pk)
    rows = [(signer, _lines_of(signer)) for signer in body.signers.select_related("user")]
    return render(request, "documents/signers.html", {"body": body, "kind": kind, "form": form, "rows": rows})


@login_required
def signer_edit(request, pk):
    signer = permissions.get_signer_for_managing(request, pk)
    body = signer.body
    form = SignerForm(request.POST or None, instance=signer, body=body)
    if request.method == "POST" and form.is_valid() and _save_signer(request, form):
        messages.success(request, _("Saved."))
        return redirect("documents:signers", kind=_body_kind(body), pk=body.pk)
    return render(
        request, "documents/signer_form.html", {"body": body, "kind": _body_kind(body), "form": form, "signer": signer}
    )


@login_required
@require_POST
def signer_active(request, pk):
    """Deactivate a signer (no longer signs; their documents stay theirs), or bring one back."""
    signer = permissions.get_signer_for_managing(request, pk)
    active = request.POST.get("active") == "1"
    services.signer_set_active(signer=signer, active=active, user=request.user)
    if active:
        messages.success(request, _("%(name)s may sign again.") % {"name": signer.full_name})
    else:
        messages.success(request, _("%(name)s no longer signs.") % {"name": signer.full_name})
    body = signer.body
    return redirect("documents:signers", kind=_body_kind(body), pk=body.pk)


@login_required
@require_POST
def sign_again(request, pk):
    """Sign an issued document whose signing failed: its number and text stay as issued."""
    document = permissions.get_document_for_signing(request, pk)
    try:
        signed = services.sign_issued(document=document, user=request.user)
    except SigningFailed as failure:
        messages.error(request, _("%(number)s is issued but not signed: %(reason)s") % {
            "number": document.number_text, "reason": failure})  # fmt: skip
    else:
        if signed:
            messages.success(request, _("%(number)s is signed.") % {"number": document.number_text})
        else:
            messages.warning(request, _("%(body)s has no signing key in use.") % {"body": document.register.body.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        body = document.register.body
        target = reverse("documents:register", args=[_body_kind(body), body.pk])
    return redirect(target)
