import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from donations.selectors import kept_year_figures
from needs.selectors import near_completion
from schools.models import School
from schools.selectors import cached_registry_totals

from .cache import cache_public_page


# The needs' cards show money, which may lag as on the browse list (PUBLIC_LIST_SECONDS);
# which needs are listed follows `public-needs`, the year's money the ledger.
@cache_public_page(lambda: ("registry", "public-needs", "ledger"), timeout_setting="PUBLIC_LIST_SECONDS")
def home(request):
    return render(
        request,
        "home.html",
        {
            "totals": cached_registry_totals(School.objects.all()),
            "nearly_there": near_completion(),
            "figures": kept_year_figures(timezone.localdate().year),
        },
    )


@never_cache
def health(request):
    """For the load balancer: answers 200 only when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def livez(request):
    """For the load balancer's liveness probe: the process answers. No database, template
    or session, so a slow database never gets a healthy process restarted (that is what
    /healthz/, the readiness probe, reports). The load benchmark's floor, too."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@cache_public_page(lambda: ())
def privacy(request):
    return render(request, "privacy.html")


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_429(request, exception=None):
    """Too many requests (allauth's rate limits and ours): an honest 429 with the wait."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def error_500(request):
    """A server error; a database that does not answer is a 503 ("back in a moment")
    instead, which load balancers and browsers retry. Rendered without context
    processors or the base layout: whatever broke may be what they need."""
    error = sys.exc_info()[1]  # Django calls this handler inside its `except` block
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def service_worker(request):
    """The service worker (templates/core/sw.js) at the site's root, so its scope is every
    page: it sends need forms kept offline (static/js/need_drafts.js). Never cached long:
    browsers check it for updates."""
    response = render(request, "core/sw.js", content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
