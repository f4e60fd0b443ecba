from django import forms
from django.conf import settings
from django.contrib import admin

from core.images import inspect

from .models import (
    AgendaItem,
    BudgetLine,
    Campaign,
    CommunicationActivity,
    Event,
    Invitation,
    LegalDocument,
    Responsibility,
    Review,
    Target,
    Task,
)


class LegalDocumentInline(admin.TabularInline):
    model = LegalDocument
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class ResponsibilityInline(admin.StackedInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["office"]


class CampaignAdminForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["banner"]  # the admin adds the others

    def clean_banner(self):
        """A banner is stored as sent and decoded by browsers, not by us; still, an image
        that would be a decompression bomb in a visitor's browser is refused from its
        header, like every uploaded image (core.images)."""
        banner = self.cleaned_data.get("banner")
        if banner and hasattr(banner, "content_type"):  # a new upload, not the kept file
            banner.seek(0)
            inspect(
                banner.read(),
                name=banner.name,
                formats={"JPEG", "PNG", "WEBP"},
                max_pixels=settings.NEED_PHOTO_MAX_PIXELS,
            )
            banner.seek(0)
        return banner


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ["name", "kind", "scope", "starts_on", "ends_on", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["scope", "lead_office"]
    filter_horizontal = ["featured_needs"]
    inlines = [LegalDocumentInline, TargetInline, ResponsibilityInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["office"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fk_name = "event"


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "starts_at", "venue"]
    list_filter = ["kind"]
    inlines = [AgendaItemInline, InvitationInline, BudgetLineInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "owner", "due_on", "status"]
    list_filter = ["status"]


admin.site.register(CommunicationActivity)
admin.site.register(Review)
admin.site.register(BudgetLine)
