from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from schools.models import School
from schools.selectors import registry_totals


def home(request):
    return render(request, "home.html", {"totals": registry_totals(School.objects.all())})


@never_cache
def health(request):
    """For the load balancer: answers 200 only when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors: whatever broke may be what they need.
    return HttpResponseServerError(loader.get_template("500.html").render())
