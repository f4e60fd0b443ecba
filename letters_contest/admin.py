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


# The national round (letters_contest.national): opened here or on its page by a superuser.
from .models import Forwarding, NationalRole, NationalRound  # noqa: E402


class NationalRoleInline(admin.TabularInline):
    model = NationalRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(NationalRound)
class NationalRoundAdmin(admin.ModelAdmin):
    list_display = ["edition", "forward_by", "judging_from", "results_published_at"]
    raw_id_fields = ["upu_entry"]
    inlines = [NationalRoleInline]


@admin.register(NationalRole)
class NationalRoleAdmin(admin.ModelAdmin):
    list_display = ["national_round", "user", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user"]


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    # Codes, provinces and prizes only: the pupils' data stays with the province.
    list_display = ["entry", "national_round", "province_rank", "national_level", "excluded_at"]
    list_filter = ["national_round", "national_level"]
    raw_id_fields = ["entry", "forwarded_by", "excluded_by"]
