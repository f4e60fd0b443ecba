from django.contrib import admin

from .models import Need, NeedEvent, NeedItem, NeedPhoto


class NeedItemInline(admin.TabularInline):
    model = NeedItem
    extra = 0


class NeedEventInline(admin.TabularInline):
    model = NeedEvent
    extra = 0
    readonly_fields = ["kind", "from_status", "to_status", "actor", "note", "created_at"]
    can_delete = False


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
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
    list_display = ["pk", "need", "kind", "width", "height", "created_at"]
    raw_id_fields = ["need", "uploaded_by"]
