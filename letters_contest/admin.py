from django.contrib import admin

from .models import Award, ContestRound, Criterion, Edition, Entry, EntryAccess, Judge


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["number", "year", "age_min", "age_max", "word_limit"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class JudgeInline(admin.TabularInline):
    model = Judge
    extra = 0
    raw_id_fields = ["user"]


@admin.register(ContestRound)
class ContestRoundAdmin(admin.ModelAdmin):
    list_display = ["edition", "province", "organiser", "school_deadline", "results_published"]
    raw_id_fields = ["campaign"]
    inlines = [CriterionInline, JudgeInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    # Only codes and schools in lists: pupils' data is opened entry by entry.
    list_display = ["code", "round", "school", "status", "created_at"]
    list_filter = ["status", "round"]
    search_fields = ["code"]
    raw_id_fields = ["school", "created_by"]


@admin.register(EntryAccess)
class EntryAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "entry_code"]
    readonly_fields = ["entry", "entry_code", "user", "action", "at"]


admin.site.register(Award)
