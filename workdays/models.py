from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday or a day off on a weekday,
    or a Saturday or Sunday declared a working day (to make up for a bridged day off).
    Every other Monday to Friday is a working day; every other weekend day is not."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        DAY_OFF = "day_off", _("Day off in lieu")
        WORKING = "working", _("Weekend day worked")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    # Who added or changed a day, and when: a deadline counted in working days depends on it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.WORKING
