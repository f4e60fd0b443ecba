from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AdministrativeUnit, Membership, Office, School, SchoolSite


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "abolished_on"]
    list_filter = ["level", "abolished_on"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "code", "kind", "unit", "address", "phone", "digest_emails"]}),
        (
            _("Official documents"),
            {
                "description": _(
                    "How the office's documents read when the rule of its kind does not fit. "
                    "Leave a field empty to follow the rule."
                ),
                "fields": ["document_parent_body", "document_name", "document_symbol", "document_signer_title"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.office_save(office=obj, user=request.user)


class SchoolSiteInline(admin.StackedInline):
    model = SchoolSite
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "commune", "district", "province", "pupils", "profile_confirmed_at"]
    list_filter = ["level", "boarding", "province"]
    search_fields = ["code", "name", "search_text"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune", "district", "province"]
    readonly_fields = ["profile_confirmed_at", "profile_confirmed_by"]
    inlines = [SchoolSiteInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "office", "title", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "school__name", "office__name"]
    autocomplete_fields = ["user", "school", "office"]
    list_select_related = ["user", "school", "office"]
