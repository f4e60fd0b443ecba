from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """The administrator keeps the calendar here: a holiday the government moves, a day off
    in lieu, a Saturday worked. `manage.py load_holidays` fills a year from the official
    calendar first."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
