from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import SingleLineFormField

from .models import User
from .validators import validate_phone


class SignupExtraForm(forms.Form):
    """The fields allauth's sign-up form gets on top of e-mail and password."""

    full_name = SingleLineFormField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Optional. Schools and offices use it to reach you about a gift."),
    )

    field_order = ["full_name", "email", "phone", "password1", "password2"]

    def signup(self, request, user):
        """allauth requires this hook; the name and phone are already saved, with the rest
        of the new user in one write, by AccountAdapter.save_user (accounts.adapters)."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
        return phone
