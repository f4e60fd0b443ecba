from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schools.models import Office

from .models import Signer
from .services import signer_problems


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


class SignerForm(forms.ModelForm):
    """A body's signer; the rules (documents.signers) answer next to the field they
    concern: a TM. authority for a body that is not collective, a KT. without a title."""

    class Meta:
        model = Signer
        fields = ["full_name", "title", "authority", "user"]

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.body_field = "office" if isinstance(body, Office) else "school"
        setattr(self.instance, self.body_field, body)
        members = self.fields["user"].queryset.filter(**{f"memberships__{self.body_field}": body}).distinct()
        self.fields["user"].queryset = members.order_by("full_name")
        self.fields["user"].required = False

    def clean(self):
        cleaned = super().clean()
        if "authority" not in cleaned:
            return cleaned
        candidate = Signer(
            **{self.body_field: self.body}, authority=cleaned["authority"], title=cleaned.get("title", "")
        )
        for field, message in signer_problems(candidate).items():
            self.add_error(None if field == "__all__" else field, message)
        return cleaned


class IssueForm(forms.Form):
    """Issuing a document: who signs it, among the body's signers in office."""

    signer = forms.ModelChoiceField(label=_("Signed by"), queryset=Signer.objects.none(), empty_label=None)

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        field = "office" if isinstance(body, Office) else "school"
        self.fields["signer"].queryset = Signer.objects.filter(**{field: body}, is_active=True).order_by("full_name")
