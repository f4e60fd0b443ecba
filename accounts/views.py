from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schools.selectors import memberships_for

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_save(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            actor=request.user,
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships_for(request.user)},
    )
