from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def save_user(self, request, user, form, commit=True):
        # The one place the sign-up fields are saved: allauth fills e-mail and password,
        # the extra sign-up form (accounts.forms.SignupExtraForm) brings the name and the
        # phone, and the new user is written once with all of them.
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        user.phone = form.cleaned_data.get("phone", "").strip()
        if commit:
            user.save()
        return user
