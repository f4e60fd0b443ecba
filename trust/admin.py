from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CostBenchmark, SignalDismissal


@admin.register(CostBenchmark)
class CostBenchmarkAdmin(admin.ModelAdmin):
    list_display = ["category", "unit", "samples", "schools", "q1", "median", "q3", "refreshed_at"]
    list_filter = ["category"]

    def has_add_permission(self, request):
        return False  # derived: trust_refresh and the nightly task write it

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignalDismissal)
class SignalDismissalAdmin(SimpleHistoryAdmin):
    list_display = ["need", "kind", "key", "dismissed_by", "dismissed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["need", "dismissed_by"]
