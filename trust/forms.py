from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SignalDismissal


class DismissForm(forms.Form):
    kind = forms.ChoiceField(choices=SignalDismissal.Kind.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Why can this signal be set aside?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please write why this signal can be set aside.")},
    )
