"""The offices' oversight: how each office wants its digest, the digests sent, and the
reminders sent. The tables were made by the campaigns app and keep their names (and their
constraints' names), so moving the models here moved no row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schools.models import Office


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    DAILY = "daily", _("Daily")
    OFF = "off", _("Off")


class DigestSettings(models.Model):
    """How an education office wants its digest."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="digest_settings")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    send_when_empty = models.BooleanField(
        _("send a short “nothing new” digest when there is nothing to report"), default=True
    )
    # Who changed it, and when (oversight.services); the history tables are this app's own.
    history = HistoricalRecords()

    class Meta:
        db_table = "campaigns_digestsettings"
        verbose_name = _("digest settings")
        verbose_name_plural = _("digest settings")

    def __str__(self):
        return f"{self.office}: {self.get_frequency_display()}"


class DigestPreference(models.Model):
    """An officer's own choice; without one, they get their office's digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preferences")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    history = HistoricalRecords()

    class Meta:
        db_table = "campaigns_digestpreference"
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="campaigns_digestpreference_unique")]

    def __str__(self):
        return f"{self.user} – {self.office}: {self.frequency}"


class DigestRun(models.Model):
    """One digest for one office and one period. The unique constraint and the status
    claim make sending happen once, whoever runs the job and however often."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Nothing to report, not sent")
        FAILED = "failed", _("Failed, will be retried")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="digest_runs")
    period = models.CharField(max_length=10, choices=Frequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "campaigns_digestrun"
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-period_start", "office"]
        constraints = [
            models.UniqueConstraint(fields=["office", "period", "period_start"], name="campaigns_digestrun_once"),
        ]

    def __str__(self):
        return f"{self.office} {self.period} {self.period_start}"


class ReminderLog(models.Model):
    """One row per reminder sent: claimed before sending, so a job run twice reminds once."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=60)
    period = models.CharField(max_length=10, help_text="e.g. 2026-11 or 2026-W48")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "campaigns_reminderlog"
        constraints = [models.UniqueConstraint(fields=["kind", "key", "period"], name="campaigns_reminderlog_once")]

    def __str__(self):
        return f"{self.kind} {self.key} {self.period}"
