"""A programme with a plan, as both seed documents are: legal basis, purpose, scope,
period, targets, units with duties, tasks, events with agenda, invitees and budget,
communication activities and reviews. The letters contest plans its editions with the
same pieces (an edition has a campaign).

Every piece keeps its history (simple_history): who changed the plan, and when. The
writes go through campaigns.services, which name the acting user on each history row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import SingleLineCharField
from donations.models import Fund
from needs.models import Category, Need
from schools.models import AdministrativeUnit, Office


class Campaign(models.Model):
    class Kind(models.TextChoices):
        NEEDS = "needs", _("Support programme for schools")
        CONTEST = "contest", _("Letter-writing contest plan")

    name = SingleLineCharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEEDS)
    scope = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="campaigns"
    )
    lead_office = models.ForeignKey(
        Office, verbose_name=_("issuing office"), on_delete=models.PROTECT, related_name="led_campaigns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    purpose = models.TextField(_("purpose"))
    requirements = models.TextField(_("requirements"), blank=True)
    story = models.TextField(_("story for the public page"), blank=True)
    banner = models.ImageField(_("banner"), upload_to="campaigns/", blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    featured_needs = models.ManyToManyField(
        Need, verbose_name=_("featured needs"), blank=True, related_name="campaigns"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaigns_campaign_period_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.slug])

    def needs(self):
        """Needs made in the campaign's scope during its period. A need counts where its
        school stood when it was made (`AdministrativeUnit.need_filter`), so a campaign
        keeps its figures when its schools move to a new map."""
        needs = Need.objects.filter(self.scope.need_filter(), created_at__date__gte=self.starts_on)
        if self.ends_on:
            needs = needs.filter(created_at__date__lte=self.ends_on)
        return needs


class CampaignFund(models.Model):
    """A programme fund belongs to one campaign ("Điều ước cho em – Điện Biên 2026"):
    the fund is the money (donations.Fund), the campaign the programme it serves."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="fund_links")
    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, related_name="campaign_link")

    class Meta:
        verbose_name = _("campaign fund")
        verbose_name_plural = _("campaign funds")

    def __str__(self):
        return f"{self.campaign} – {self.fund}"


class LegalDocument(models.Model):
    """A numbered document the plan rests on: "Văn bản số 191/UBND-KGVX ngày 21/01/2021"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="legal_basis")
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuer"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="campaigns/documents/", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal basis")
        ordering = ["position", "issued_on"]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class Target(models.Model):
    """A target per need category, e.g. 40 toilets, or lunch for 3.000 pupils."""

    class Measure(models.TextChoices):
        NEEDS = "needs", _("needs delivered")
        PUPILS = "pupils", _("pupils benefiting")
        AMOUNT = "amount", _("VND received")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    measure = models.CharField(_("measured in"), max_length=10, choices=Measure.choices, default=Measure.NEEDS)
    quantity = models.PositiveIntegerField(_("target"))
    label = models.CharField(_("label"), max_length=120, help_text=_("e.g. “new or repaired toilets”"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category", "measure"], name="campaigns_target_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="campaigns_target_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.label}"


class Responsibility(models.Model):
    """A unit's duties in the plan, as lead or coordinating unit (section IV of the seeds)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COORDINATE = "coordinate", _("Coordinate")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responsibilities")
    office = models.ForeignKey(Office, verbose_name=_("participating unit"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    duties = models.TextField(_("duties"))
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.office} ({self.get_role_display()})"


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # Still to be done: the ones that can fall overdue.
    OPEN_STATUSES = (Status.TODO, Status.DOING)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(Office, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="tasks")
    focal_point = models.CharField(_("focal point"), max_length=150, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TODO)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="campaigns_task_status_due")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class Event(models.Model):
    """A meeting or ceremony of the plan: the planning conference, a launch ceremony, a
    review meeting, a donor-honouring ceremony."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CONFERENCE = "conference", _("Conference")
        CEREMONY = "ceremony", _("Ceremony")
        REVIEW = "review", _("Review meeting")
        HONOURING = "honouring", _("Donor-honouring ceremony")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300)
    host = models.ForeignKey(Office, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="+")
    expected_attendance = models.PositiveIntegerField(_("expected head count"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    # The plan as issued (kế hoạch): its number in the lead office's register, the PDF kept.
    plan_document = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("issued plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_plan",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("item"), max_length=300)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Invitation(models.Model):
    """Invitees by unit, with how many people and whether they confirmed."""

    class Reply(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    office = models.ForeignKey(
        Office, verbose_name=_("participating unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    guest = models.CharField(_("guest"), max_length=200, blank=True, help_text=_("For invitees who are not a unit."))
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    reply = models.CharField(_("reply"), max_length=10, choices=Reply.choices, default=Reply.PENDING)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False) | ~Q(guest=""), name="campaigns_invitation_has_invitee"
            ),
        ]

    def __str__(self):
        return str(self.office or self.guest)


class BudgetLine(models.Model):
    """Money for an event or the plan: amount, funding source with its decision number."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(_("item"), max_length=300)
    amount = models.BigIntegerField(_("amount (VND)"))
    funding_source = models.CharField(_("funding source"), max_length=300)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    settled = models.BooleanField(_("settled"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="campaigns_budgetline_amount")]

    def __str__(self):
        return self.description


class CommunicationActivity(models.Model):
    class Channel(models.TextChoices):
        ARTICLE = "article", _("Article")
        BROADCAST = "broadcast", _("Radio or television")
        SOCIAL = "social", _("Social media post")
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="communications")
    published_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), blank=True)
    office = models.ForeignKey(Office, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")
        ordering = ["-published_on"]

    def __str__(self):
        return self.title


class Review(models.Model):
    """An interim or final review (sơ kết, tổng kết), built from the data, with the
    officer's own words, then issued as a document."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim review")
        FINAL = "final", _("Final review")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Typed by officers before reviews were numbered by the register; kept for those.
    number = models.CharField(_("document number"), max_length=60, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # The review as issued: its number in the lead office's register and the PDF kept.
    document = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.campaign}"

    @property
    def number_text(self) -> str:
        """The number it was issued with: the register's, or the one typed before."""
        return self.document.number_text if self.document_id else self.number
