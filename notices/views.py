from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import MailPreferencesForm
from .permissions import get_own_notice


@login_required
def inbox(request):
    """The person's notices, newest first, unread ones marked."""
    services.recount_unread(request.user)
    page = Paginator(selectors.inbox_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "notices": page.object_list})


@login_required
def open_notice(request, pk):
    """Opening a notice marks it read and goes where it points (a path of the portal);
    a notice without a link is shown on its own."""
    notice = get_own_notice(request, pk)
    services.mark_read(notice)
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return render(request, "notices/notice.html", {"notice": notice})


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    messages.success(request, _("Every notice is marked as read."))
    return redirect("notices:inbox")


@login_required
def preferences(request):
    """Which kinds of notice also come by e-mail (the inbox gets them all)."""
    initial = {"kinds": sorted(selectors.mail_kinds_wanted(request.user))}
    form = MailPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.mail_preferences_save(user=request.user, wanted=form.cleaned_data["kinds"], actor=request.user)
        messages.success(request, _("Your e-mail choices have been saved."))
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
