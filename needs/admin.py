from django.contrib import admin
from django.db import models

from core.forms import MoneyInput, VndField

from .models import Need, NeedEvent, NeedItem, NeedPhoto

# Money in the admin is typed as in the portal's forms (core.money); the models' other
# big integers (the photos' hashes) are not editable, so they never reach a form.
MONEY_FIELDS = {models.BigIntegerField: {"form_class": VndField, "widget": MoneyInput}}


class NeedItemInline(admin.TabularInline):
    model = NeedItem
    extra = 0
    formfield_overrides = MONEY_FIELDS


class NeedEventInline(admin.TabularInline):
    model = NeedEvent
    extra = 0
    readonly_fields = ["kind", "from_status", "to_status", "actor", "note", "created_at"]
    can_delete = False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    formfield_overrides = MONEY_FIELDS
    list_display = [
        "title",
        "school",
        "category",
        "status",
        "urgency",
        "amount_requested",
        "amount_pledged",
        "created_at",
    ]
    list_filter = ["status", "category", "urgency"]
    search_fields = ["title", "search_text"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["site", "created_by", "verified_by"]
    # Status changes go through the service so history is kept: not editable here.
    readonly_fields = ["status", "amount_requested", "amount_pledged", "amount_received", "submitted_at", "verified_at"]
    inlines = [NeedItemInline, NeedEventInline]


@admin.register(NeedPhoto)
class NeedPhotoAdmin(admin.ModelAdmin):
    list_display = ["pk", "need", "kind", "public_copy", "width", "height", "created_at"]
    list_filter = ["public_copy"]
    raw_id_fields = ["need", "uploaded_by", "child_consent_by", "guardian_consent_by", "public_copy_checked_by"]
    # The decision on the public copy is the officer's (needs.services.photo_check), with its history.
    readonly_fields = ["public_copy", "public_copy_checked_by", "public_copy_checked_at", "original"]
