from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.cache import cache_public_page
from core.listing import filtered_page

from . import selectors, services
from .filters import SchoolFilter
from .forms import SchoolForm, SchoolSiteForm
from .models import School, SchoolSite
from .permissions import can_act_on_school, get_school_for_editing, is_officer_of_school, roles_of

PAGE_SIZE = 24


@cache_public_page(lambda: ("registry",), timeout_setting="PUBLIC_LIST_SECONDS")
def school_list(request):
    school_filter = SchoolFilter(request.GET or None, queryset=School.objects.order_by("name", "pk"))
    schools, page, query = filtered_page(
        request, school_filter, columns=selectors.with_list_columns, page_size=PAGE_SIZE, count_namespaces=("registry",)
    )
    return render(
        request,
        "schools/school_list.html",
        {
            "filter": school_filter,
            "page": page,
            "query": query,
            "totals": selectors.cached_registry_totals(schools),
        },
    )


@cache_public_page(lambda pk: (f"school:{pk}",))
def school_detail(request, pk):
    try:
        school = selectors.school_detail(pk)
    except School.DoesNotExist:
        raise Http404 from None
    sites = list(school.sites.all())
    can_edit = can_act_on_school(request.user, school)
    # The registry page shows the school's needs; the needs app decides which.
    from needs.selectors import needs_for_school_page

    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "sites": sites,
            "site_pupils": sum(site.pupils for site in sites),
            "can_edit": can_edit,
            "is_officer_here": is_officer_of_school(request.user, school),
            "needs": needs_for_school_page(school, insider=can_edit),
        },
    )


@login_required
def my_school(request):
    """School staff land on their school; someone with several schools picks one."""
    schools = roles_of(request.user).staff_schools
    if len(schools) == 1:
        return redirect(schools[0])
    if not schools:
        raise Http404
    return render(request, "schools/my_schools.html", {"schools": schools})


@login_required
def school_edit(request, pk):
    school = get_school_for_editing(request, pk)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        services.school_save_profile(school=form.instance, user=request.user)
        messages.success(request, _("The school profile has been saved."))
        return redirect(school)
    return render(request, "schools/school_form.html", {"school": school, "form": form})


@login_required
@require_POST
def school_confirm(request, pk):
    school = get_school_for_editing(request, pk)
    services.school_confirm_profile(school=school, user=request.user)
    messages.success(request, _("Thank you: the profile is marked as current."))
    return redirect(school)


@login_required
def site_create(request, pk):
    school = get_school_for_editing(request, pk)
    form = SchoolSiteForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        services.site_save(site=form.instance, user=request.user)
        messages.success(request, _("The site “%(name)s” has been added.") % {"name": form.instance.name})
        return redirect(school)
    return render(request, "schools/site_form.html", {"school": school, "form": form})


@login_required
def site_edit(request, pk, site_pk):
    school = get_school_for_editing(request, pk)
    site = get_object_or_404(SchoolSite, pk=site_pk, school=school)
    form = SchoolSiteForm(request.POST or None, instance=site, school=school)
    if request.method == "POST" and form.is_valid():
        services.site_save(site=form.instance, user=request.user)
        messages.success(request, _("The site “%(name)s” has been saved.") % {"name": site.name})
        return redirect(school)
    return render(request, "schools/site_form.html", {"school": school, "form": form, "site": site})


@login_required
def site_delete(request, pk, site_pk):
    school = get_school_for_editing(request, pk)
    site = get_object_or_404(SchoolSite, pk=site_pk, school=school)
    if request.method == "POST":
        services.site_delete(site=site, user=request.user)
        messages.success(request, _("The site “%(name)s” has been removed.") % {"name": site.name})
        return redirect(school)
    return render(request, "schools/site_confirm_delete.html", {"school": school, "site": site})
