"""The UPU International Letter-Writing Competition: a national edition, run by provincial
rounds. Each round is planned with the campaign tools (its `campaign`, of kind "contest":
units and their roles, the planning conference, the launch ceremony, tasks, budget) and
collects its schools' entries, which judges score anonymously."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    # How many letters each province forwards to the national round.
    forward_quota = models.PositiveSmallIntegerField(
        _("letters each province forwards"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

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
    # The round's life (letters_contest.lifecycle) follows the clock from these dates:
    # draft before opens_on, open for entries until school_deadline, closed, judging from
    # judging_from, published when its results are, archived on delete_entries_on.
    opens_on = models.DateField(_("entries open on"))
    school_deadline = models.DateField(_("deadline for schools"))
    judging_from = models.DateField(_("provincial judging from"), null=True, blank=True)
    judging_to = models.DateField(_("provincial judging until"), null=True, blank=True)
    forward_by = models.DateField(_("forward to the national round by"), null=True, blank=True)
    # Every round has one (issue 19): without it the pupils' data would be kept forever.
    # round_open fills the default (lifecycle.planned_retention) when the organiser gives none.
    delete_entries_on = models.DateField(
        _("delete entries on"), help_text=_("Entries without an award are deleted on this date.")
    )
    # Whether the organiser chose delete_entries_on; if not, publishing the results sets
    # it to CONTEST_RETENTION_MONTHS after the publication (lifecycle.retention_after_publishing).
    retention_chosen = models.BooleanField(_("deletion date chosen by the organiser"), default=False)
    judges_required = models.PositiveSmallIntegerField(
        _("judges per letter"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Results are published only when every letter has this many judges' scores."),
    )
    results_published = models.BooleanField(_("results published"), default=False)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    # Set by the nightly retention task once the pupils' data is deleted.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

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
    # Kept after the round is archived, for an awarded letter, only with this consent.
    consent_keep_letter = models.BooleanField(
        _("the letter may be kept in the record of prizes after the contest"), default=False
    )
    # Sensitive data (the 2025 personal data law): recorded only with the explicit consent
    # of the child and the guardian, used only for the special prizes, never in history.
    sensitive_consent = models.BooleanField(
        _("the pupil and the guardian consent to recording ethnicity and disability"), default=False
    )
    ethnic_group = models.CharField(_("ethnic group"), max_length=40, blank=True)
    has_disability = models.BooleanField(_("the pupil has a disability"), default=False)
    sensitive_publish_consent = models.BooleanField(
        _("the name may be published with a special prize for these"), default=False
    )
    # An organiser's recorded decision to leave a letter out of the ranking.
    excluded_reason = models.TextField(_("reason for exclusion"), blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excluded_at = models.DateTimeField(null=True, blank=True)
    # Set when the round is archived: what is left is the record of the prize.
    archived_at = models.DateTimeField(null=True, blank=True)
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
            "duplicate_key", "ethnic_group", "has_disability",
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

    @property
    def is_excluded(self) -> bool:
        return bool(self.excluded_at)

    def age_on(self, day):
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PendingLetter(models.Model):
    """A letter the entry form accepted before the rest of the form was valid: checked and
    cleaned already (letters_contest.uploads), it waits under the form's upload token, so
    the school does not choose it again. Only its uploader's token finds it; registering
    the entry moves its file to the entry, and one never attached is deleted after
    CONTEST_LETTER_PENDING_HOURS. No history: it holds nothing but a file on its way, and
    its name may be the pupil's, which no history may keep."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", _("image")

    round = models.ForeignKey(ContestRound, on_delete=models.CASCADE, related_name="+")
    upload_token = models.UUIDField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Written where the entry's letter lives, so registering only hands the name over.
    file = models.FileField(upload_to=_letter_path)
    name = models.CharField(max_length=150)  # as it was chosen, shown back on the form
    kind = models.CharField(max_length=5, choices=Kind.choices)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            # One letter per form: a new one replaces the one waiting.
            models.UniqueConstraint(fields=["upload_token", "uploaded_by"], name="letters_pendingletter_once")
        ]

    def __str__(self):
        return self.name


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

    round = models.ForeignKey(ContestRound, null=True, blank=True, on_delete=models.CASCADE, related_name="criteria")
    # Or a line of the national round's rubric (exactly one of the two).
    national_round = models.ForeignKey(
        "NationalRound", null=True, blank=True, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=150)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(default=0)

    # The rubric weighs every score: a change to it changes the rankings.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(round__isnull=False, national_round__isnull=True)
                | Q(round__isnull=True, national_round__isnull=False),
                name="letters_criterion_one_round",
            )
        ]

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


class Prize(models.TextChoices):
    """The prizes the contest gives, provincial and national."""

    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    CONSOLATION = "consolation", _("Consolation prize")
    SPECIAL = "special", _("Special prize")


class SpecialPrize(models.TextChoices):
    """What a special prize honours. Ethnicity and disability are sensitive data: such a
    prize goes only to an entry whose sensitive data was recorded with consent, and is
    published without the pupil's name unless that consent covers publishing it."""

    ETHNIC_MINORITY = "ethnic_minority", _("for a pupil of an ethnic minority")
    DISABILITY = "disability", _("for a pupil with a disability")
    OTHER = "other", _("other special prize")


class Award(models.Model):
    Level = Prize

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="award")
    level = models.CharField(_("award"), max_length=12, choices=Level.choices)
    special = models.CharField(_("special prize for"), max_length=20, choices=SpecialPrize.choices, blank=True)
    special_title = models.CharField(_("name of the special prize"), max_length=150, blank=True)
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


class TieBreak(models.Model):
    """An organiser's order among entries with equal scores, where a prize needs one:
    the lower `position` goes first; the reason is kept. `stage` 1 is the province's
    ranking, 2 the national one."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="tie_breaks")
    stage = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(_("place among the tied"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "stage"], name="letters_tiebreak_once")]

    def __str__(self):
        return f"{self.entry_id} #{self.position}"


class ResultCorrection(models.Model):
    """A change to results already public: what changed, why, who decided. The only way
    published results change (letters_contest.lifecycle)."""

    round = models.ForeignKey(ContestRound, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections")
    national_round = models.ForeignKey(
        "NationalRound", null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections")
    entry_code = models.CharField(_("entry code"), max_length=20, blank=True)
    what = models.TextField(_("what changed"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(round__isnull=False, national_round__isnull=True)
                | Q(round__isnull=True, national_round__isnull=False),
                name="letters_correction_one_round",
            )
        ]

    def __str__(self):
        return f"{self.entry_code}: {self.what}"


class NationalRound(models.Model):
    """The edition's national round: provinces forward their best letters (the edition's
    `forward_quota` each) by `forward_by`; national judges score them blind; the national
    organisers publish the results and mark the one letter sent to the UPU."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="national_round")
    forward_by = models.DateField(_("provinces forward letters by"))
    judging_from = models.DateField(_("national judging from"), null=True, blank=True)
    judging_to = models.DateField(_("national judging until"), null=True, blank=True)
    judges_required = models.PositiveSmallIntegerField(
        _("judges per letter"), default=2, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    upu_entry = models.OneToOneField(
        Entry,
        verbose_name=_("the letter sent to the UPU"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_to_upu",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("national round")
        verbose_name_plural = _("national rounds")

    def __str__(self):
        return _("National round of %(edition)s") % {"edition": self.edition}


class NationalRole(models.Model):
    """Who organises or judges the national round (appointed by a superuser or a
    national organiser)."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("National organiser")
        JUDGE = "judge", _("National judge")

    national_round = models.ForeignKey(NationalRound, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_roles")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["national_round", "user", "role"], name="letters_national_role_once")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class Forwarding(models.Model):
    """A provincial letter sent on to the national round, with its place in the
    province's ranking. Its national award and exclusion live here."""

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="forwarding")
    national_round = models.ForeignKey(NationalRound, on_delete=models.PROTECT, related_name="forwardings")
    province_rank = models.PositiveSmallIntegerField(_("rank in the province"))
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    forwarded_at = models.DateTimeField(auto_now_add=True)
    national_level = models.CharField(_("national award"), max_length=12, choices=Prize.choices, blank=True)
    national_special = models.CharField(_("special prize for"), max_length=20, choices=SpecialPrize.choices, blank=True)
    national_special_title = models.CharField(_("name of the special prize"), max_length=150, blank=True)
    excluded_reason = models.TextField(_("reason for exclusion"), blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excluded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["national_round", "entry__code"]

    def __str__(self):
        return f"{self.entry} → {self.national_round}"
