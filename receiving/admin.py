from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class TeamMemberInline(admin.TabularInline):
    model = models.TeamMember
    extra = 0


@admin.register(models.ReceivingTeam)
class ReceivingTeamAdmin(SimpleHistoryAdmin):
    list_display = ["school", "decision_reference", "updated_at"]
    search_fields = ["school__name"]
    raw_id_fields = ["school"]
    inlines = [TeamMemberInline]


@admin.register(models.UsagePlan)
class UsagePlanAdmin(SimpleHistoryAdmin):
    list_display = ["need", "status", "published_on", "earliest_start_on"]
    list_filter = ["status"]
    raw_id_fields = ["need", "drafted_by", "published_by"]


@admin.register(models.PlanComment)
class PlanCommentAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "author", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["plan", "author", "moderated_by"]


@admin.register(models.ReceiptRecord)
class ReceiptRecordAdmin(SimpleHistoryAdmin):
    list_display = ["pledge", "giver_name", "amount", "received_on", "document"]
    raw_id_fields = ["pledge", "document", "created_by"]


@admin.register(models.SettlementReport)
class SettlementReportAdmin(SimpleHistoryAdmin):
    list_display = ["need", "status", "received_total", "spent_total", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["need", "document", "drafted_by", "published_by"]
