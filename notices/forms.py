from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class MailPreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notice also appears in your inbox in the portal, whatever you choose here."),
    )
