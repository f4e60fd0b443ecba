from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SigningKey

KEY_MATERIAL = ("pkcs12_encrypted", "password_encrypted")  # never shown, never edited here


@admin.register(SigningKey)
class SigningKeyAdmin(SimpleHistoryAdmin):
    """Read-only: keys come in through `manage.py add_signing_key`, which encrypts them."""

    list_display = ("label", "owner", "holder", "kind", "certificate_serial", "valid_until", "is_active")
    list_filter = ("holder", "kind", "is_active")
    search_fields = ("label", "certificate_subject", "certificate_serial")
    exclude = KEY_MATERIAL
    readonly_fields = [f.name for f in SigningKey._meta.fields if f.name not in KEY_MATERIAL]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
