from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "user", "created_at", "read_at", "sent_at", "attempts")
    list_filter = ("kind",)
    readonly_fields = [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request):
        return False
