"""allauth's forms that check a password, changed to go through the login lockout. Not in
accounts/forms.py: allauth's forms module imports that one (the sign-up form class), so
importing allauth's forms from there would be circular."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm


class ChangePasswordForm(AllauthChangePasswordForm):
    """The current password checked through authenticate(), so the login lockout
    (accounts.lockout) counts a wrong one too: a borrowed session is no way to guess it."""

    def clean_oldpassword(self):
        password = self.cleaned_data.get("oldpassword", "")
        if not get_adapter().reauthenticate(self.user, password):
            raise get_adapter().validation_error("enter_current_password")
        return password
