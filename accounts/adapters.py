from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from core.clientip import client_ip

from . import lockout


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # Every limit allauth counts by address (ours too: core.ratelimit) sees the
        # visitor behind a trusted proxy, not the proxy (core/clientip.py).
        return client_ip(request)

    def authenticate(self, request, **credentials):
        # The login lockout counted this attempt (accounts.lockout.LockoutBackend); a
        # right password forgets it here, also where no login follows (re-authentication,
        # an e-mail address still to verify).
        user = super().authenticate(request, **credentials)
        if user is not None:
            lockout.forget(request)
        return user

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
