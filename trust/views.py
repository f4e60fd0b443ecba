from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DismissForm
from .permissions import get_need_for_dismissing


@login_required
@require_POST
def signal_dismiss(request, pk):
    """Set one of a need's trust signals aside with a note. The queue posts here; a
    refused note comes back on a page of its own with what was typed."""
    need = get_need_for_dismissing(request, pk)
    back_to_queue = request.POST.get("next") == "queue"
    form = DismissForm(request.POST)
    if form.is_valid():
        signal = selectors.signal_of(need, form.cleaned_data["kind"], form.cleaned_data["key"])
        if signal is None:
            # Gone since the page was shown (the need or the other one changed): nothing to set aside.
            messages.warning(request, _("This signal is no longer raised for this need."))
        else:
            services.signal_dismiss(
                need=need,
                kind=form.cleaned_data["kind"],
                key=form.cleaned_data["key"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
            messages.success(request, _("The signal is set aside; your note stays beside it."))
        return redirect("needs:queue") if back_to_queue else redirect(need)
    return render(
        request,
        "trust/dismiss.html",
        {"need": need, "form": form, "back_to_queue": back_to_queue},
        status=400,
    )
