from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import IssuedDocument, Register, Signer, SigningKey


class IssuedInline(admin.TabularInline):
    model = IssuedDocument
    fields = ["number", "symbol", "issued_on", "title", "signer_name", "issued_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    """Registers are read here; numbers are only taken by issuing (documents.services)."""

    list_display = ["__str__", "year", "last_number"]
    list_filter = ["year"]
    readonly_fields = ["office", "school", "year", "last_number"]
    inlines = [IssuedInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Signer)
class SignerAdmin(SimpleHistoryAdmin):
    """Read here; kept by each body on its signers' page (documents.services.signer_save,
    which checks the rules of documents/signers.py)."""

    list_display = ("full_name", "body", "authority", "title", "is_active")
    list_filter = ("authority", "is_active")
    search_fields = ("full_name", "title")
    readonly_fields = [f.name for f in Signer._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
