from django.contrib import admin

from .models import IssuedDocument, Register


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
