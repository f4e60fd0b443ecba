"""The UPU International Letter-Writing Competition: a national edition, run by provincial
rounds. Each round is planned with the campaign tools (its `campaign`, of kind "contest":
units and their roles, the planning conference, the launch ceremony, tasks, budget) and
collects its schools' entries, which judges score anonymously."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from core.text import fold
from schools.models import AdministrativeUnit, Office, School


class Edition(models.Model):
    number = models.PositiveSmallIntegerField(_("edition number"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    theme = models.TextField(_("theme"))
    guidance_document = models.CharField(_("national guidance document"), max_length=300)
    age_min = models.PositiveSmallIntegerField(_("youngest age"), default=9)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), default=15)
    word_limit = models.PositiveIntegerField(_("word limit"), default=800)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contest edition")
        verbose_name_plural = _("contest editions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=Q(age_min__lte=models.F("age_max")), name="letters_edition_ages")
        ]

    def __str__(self):
        return _("UPU letter-writing contest no. %(number)s (%(year)s)") % {"number": self.number, "year": self.year}


class ContestRound(models.Model):
    """A province's round of an edition, with its plan and key dates."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="rounds")
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="contest_rounds",
        limit_choices_to={"level": "province"},
    )
    organiser = models.ForeignKey(
        Office, verbose_name=_("organising office"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="contest_round")
    launch_on = models.DateField(_("launch ceremony"), null=True, blank=True)
    school_deadline = models.DateField(_("deadline for schools"))
    judging_from = models.DateField(_("provincial judging from"), null=True, blank=True)
    judging_to = models.DateField(_("provincial judging until"), null=True, blank=True)
    forward_by = models.DateField(_("forward to the national round by"), null=True, blank=True)
    # Every round has one (issue 19): without it the pupils' data would be kept forever.
    # round_open fills the default (services.retention_default) when the organiser gives none.
    delete_entries_on = models.DateField(
        _("delete entries on"), help_text=_("Entries without an award are deleted on this date.")
    )
    results_published = models.BooleanField(_("results published"), default=False)

    # Who opened the round, and who published or withdrew its results, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provincial round")
        verbose_name_plural = _("provincial rounds")
        ordering = ["-edition__number", "province__name"]
        constraints = [models.UniqueConstraint(fields=["edition", "province"], name="letters_round_once_per_province")]

    def __str__(self):
        return f"{self.edition} – {self.province}"

    def get_absolute_url(self):
        return reverse("letters_contest:round", args=[self.pk])


def _letter_path(instance, filename):
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"contest/{instance.round_id}/{uuid.uuid4().hex}{extension}"


class Entry(models.Model):
    """A pupil's letter, registered by the school with the guardian's consent."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    round = models.ForeignKey(ContestRound, on_delete=models.PROTECT, related_name="entries")
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="contest_entries"
    )
    # What judges see instead of a name: the round's running number.
    code = models.CharField(_("entry code"), max_length=20)
    pupil_name = models.CharField(_("pupil's full name"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    letter_file = models.FileField(_("the letter (scan or photo)"), upload_to=_letter_path, blank=True)
    letter_text = models.TextField(_("typed text of the letter"), blank=True)
    word_count = models.PositiveIntegerField(_("word count"), default=0)
    consent_given = models.BooleanField(_("the guardian consents"), default=False)
    consent_guardian = models.CharField(_("guardian's name"), max_length=150, blank=True)
    consent_publish_name = models.BooleanField(_("the name may appear in published results"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    duplicate_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Audit trail (oversight.audit) without the pupil: withdrawal and deletion must erase
    # the name, birth date, class, letter and guardian everywhere.
    history = HistoricalRecords(
        excluded_fields=[
            "pupil_name", "date_of_birth", "class_name", "letter_file", "letter_text", "consent_guardian",
            "duplicate_key",
        ]
    )  # fmt: skip

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["round", "code"]
        indexes = [
            # Participation (letters_contest.participation) counts a round's registered
            # entries by school and district: read from this index alone, not the rows.
            models.Index(fields=["round", "status", "school"], name="letters_entry_round_school"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="letters_entry_code_unique"),
            # A registered entry always carries the guardian's consent.
            models.CheckConstraint(
                condition=Q(status="withdrawn") | Q(consent_given=True), name="letters_entry_consent_required"
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.pupil_name and self.date_of_birth:
            self.duplicate_key = f"{fold(self.pupil_name)}|{self.date_of_birth.isoformat()}"
        super().save(*args, **kwargs)

    @property
    def is_registered(self) -> bool:
        """In the contest: the guardian's consent stands."""
        return self.status == self.Status.REGISTERED

    def age_on(self, day):
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EntryAccess(models.Model):
    """Every time an organiser or a judge opens a pupil's personal data. Kept when the
    entry is deleted, as the record of who saw what."""

    entry = models.ForeignKey(Entry, null=True, on_delete=models.SET_NULL, related_name="accesses")
    entry_code = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.action} {self.entry_code}"


class Judge(models.Model):
    round = models.ForeignKey(ContestRound, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judging")
    stage = models.PositiveSmallIntegerField(_("judging round"), default=1)

    # Who appointed or removed each judge, and when.
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user", "stage"], name="letters_judge_once")]

    def __str__(self):
        return f"{self.user} ({self.stage})"


class Criterion(models.Model):
    """A rubric line of the edition in this round, e.g. content 40 %, language 30 %."""

    round = models.ForeignKey(ContestRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=150)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    # The rubric weighs every score: a change to it changes the rankings.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Score(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stage = models.PositiveSmallIntegerField(default=1)
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(max_digits=4, decimal_places=1)

    # Every mark a judge gave and changed (judges see only entry codes, so nor does this).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "stage", "criterion"], name="letters_score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="letters_score_positive"),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.criterion_id}: {self.value}"


class Award(models.Model):
    class Level(models.TextChoices):
        FIRST = "first", _("First prize")
        SECOND = "second", _("Second prize")
        THIRD = "third", _("Third prize")
        CONSOLATION = "consolation", _("Consolation prize")
        SPECIAL = "special", _("Special prize")

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="award")
    level = models.CharField(_("award"), max_length=12, choices=Level.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # The certificate as issued (giấy chứng nhận) when the results were published with a
    # signer: its number in the organiser's register and the PDF kept.
    certificate = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )

    # Every award given, changed or taken back, and by whom.
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.entry} – {self.get_level_display()}"
