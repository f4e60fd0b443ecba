from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    document = forms.FileField(
        label=_("Signed document (PDF)"),
        help_text=_("The file is checked and then discarded; nothing is kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        limit = settings.SIGNATURE_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)}, code="too_large"
            )
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise ValidationError(_("This file is not a PDF. Choose the PDF document you downloaded."), code="not_pdf")
        return data
