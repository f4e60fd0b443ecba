"""The records Circular 16/2018/TT-BGDĐT asks of a school that receives sponsorship.

One need is one sponsorship in the Circular's sense: its usage plan, its gifts' receipt
records and its settlement report hang on it. A fund's allocation reaches a school as a
pledge on a need, so it gets a receipt record like any gift (the fund's office is the
giver)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.models import IssuedDocument
from donations.models import Pledge
from needs.models import Need
from schools.models import School


class ReceivingTeam(models.Model):
    """The school's receiving team (tổ tiếp nhận tài trợ), set up by the principal's
    decision; one per school, its members kept with their roles."""

    school = models.OneToOneField(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="receiving_team"
    )
    decision_reference = models.CharField(
        _("decision setting up the team"),
        max_length=120,
        blank=True,
        help_text=_("For example 12/QĐ-THCS, 05/09/2026."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receiving team")
        verbose_name_plural = _("receiving teams")

    def __str__(self):
        return str(self.school)


class TeamMember(models.Model):
    """A person of the school's staff on its receiving team, with their role."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of the team")
        DEPUTY = "deputy", _("Deputy head")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(ReceivingTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    job_title = models.CharField(_("position at the school"), max_length=120)
    role = models.CharField(_("role in the team"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["position", "pk"]
        constraints = [
            # One head per team: the Circular's team has one person answering for it.
            models.UniqueConstraint(fields=["team"], condition=Q(role="head"), name="receiving_teammember_one_head"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class UsagePlan(models.Model):
    """The plan for using a need's sponsorship (kế hoạch sử dụng tài trợ): purpose, pupils
    benefiting, items, how and when. Published on the need's page for public comment; the
    work may start no earlier than fifteen working days after (workdays.calendar)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published for comment")

    need = models.OneToOneField(Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="usage_plan")
    purpose = models.TextField(_("purpose"), max_length=3000)
    beneficiaries = models.TextField(_("who benefits"), max_length=2000)
    pupils_benefiting = models.PositiveIntegerField(_("pupils benefiting"))
    method = models.TextField(_("how it will be carried out"), max_length=3000)
    work_starts_on = models.DateField(_("work planned to start"), null=True, blank=True)
    work_ends_on = models.DateField(_("work planned to end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Comments are open from `published_on`; the work may start on `earliest_start_on`, the
    # fifteenth working day after, counted on the calendar kept at publication.
    published_on = models.DateField(_("open for comment from"), null=True, blank=True)
    earliest_start_on = models.DateField(_("earliest start of the work"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usage plan")
        verbose_name_plural = _("usage plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False, earliest_start_on__isnull=False),
                name="receiving_usageplan_published_dated",
            ),
            models.CheckConstraint(
                condition=Q(work_ends_on__isnull=True)
                | Q(work_starts_on__isnull=True)
                | Q(work_ends_on__gte=models.F("work_starts_on")),
                name="receiving_usageplan_ends_after_start",
            ),
        ]

    def __str__(self):
        return str(self.need)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class UsagePlanLine(models.Model):
    """One item of the plan, drafted from the need's items."""

    plan = models.ForeignKey(UsagePlan, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=30)
    unit_cost = models.BigIntegerField(_("unit cost (VND)"))
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receiving_usageplanline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="receiving_usageplanline_cost_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"

    @property
    def total(self) -> int:
        return self.quantity * self.unit_cost


class PlanComment(models.Model):
    """A signed-in visitor's comment on a published plan; shown publicly once the
    school's officer lets it through."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")

    plan = models.ForeignKey(UsagePlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment on a usage plan")
        verbose_name_plural = _("comments on usage plans")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "status"], name="receiving_comment_plan_status")]

    def __str__(self):
        return f"{self.author} – {self.plan}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_shown(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.REJECTED


class ReceiptRecord(models.Model):
    """The record of a gift received (biên bản tiếp nhận tài trợ), signed by both sides:
    numbered from the school's register, the gift in figures and in words."""

    pledge = models.OneToOneField(
        Pledge, verbose_name=_("gift"), on_delete=models.PROTECT, related_name="receipt_record"
    )
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt_record"
    )
    # The giving side as it was when the record was made (a donor may later change name).
    giver_name = models.CharField(_("giver"), max_length=200)
    giver_representative = models.CharField(_("represented by"), max_length=120, blank=True)
    giver_position = models.CharField(_("position"), max_length=120, blank=True)
    giver_address = models.CharField(_("address"), max_length=300, blank=True)
    giver_tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    amount = models.BigIntegerField(_("value received (VND)"))
    goods_description = models.TextField(_("goods received"), blank=True)
    received_on = models.DateField(_("received on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The giver's identity stays out of the history, as a pledge's does. The record itself
    # is an accounting paper the school keeps by law (the Accounting Law's retention), so
    # erasing a donor's account leaves it and its PDF as issued.
    history = HistoricalRecords(
        excluded_fields=["giver_name", "giver_representative", "giver_position", "giver_address", "giver_tax_code"]
    )

    class Meta:
        verbose_name = _("receipt record")
        verbose_name_plural = _("receipt records")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receiving_receiptrecord_amount_positive"),
        ]

    def __str__(self):
        return f"{self.giver_name} – {self.pledge.reference}"


class SettlementReport(models.Model):
    """The settlement report (báo cáo quyết toán) of a delivered need: what was received,
    what was spent line by line, the difference and what happens to it. Published on the
    need's page and the school's transparency page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Remainder(models.TextChoices):
        NONE = "none", _("Nothing left over")
        NEXT_NEED = "next_need", _("Used for another need of the school, with the donors' agreement")
        RETURNED = "returned", _("Returned to the donors")
        SCHOOL_FUND = "school_fund", _("Kept in the school's sponsorship account, reported in the next settlement")
        SHORTFALL = "shortfall", _("Shortfall paid by the school")

    need = models.OneToOneField(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="settlement")
    received_total = models.BigIntegerField(_("received (VND)"), default=0)
    spent_total = models.BigIntegerField(_("spent (VND)"), default=0)
    remainder = models.CharField(_("the difference"), max_length=12, choices=Remainder.choices, default=Remainder.NONE)
    remainder_note = models.TextField(_("about the difference"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="settlement_report"
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement report")
        verbose_name_plural = _("settlement reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(received_total__gte=0) & Q(spent_total__gte=0), name="receiving_settlement_totals_positive"
            ),
        ]

    def __str__(self):
        return str(self.need)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def difference(self) -> int:
        return self.received_total - self.spent_total


class SettlementLine(models.Model):
    """One line of what was spent."""

    report = models.ForeignKey(SettlementReport, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=30)
    unit_cost = models.BigIntegerField(_("unit cost (VND)"))
    amount = models.BigIntegerField(_("amount (VND)"))
    supplier = models.CharField(_("supplier or voucher"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receiving_settlementline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="receiving_settlementline_cost_positive"),
            models.CheckConstraint(
                condition=Q(amount=models.F("quantity") * models.F("unit_cost")),
                name="receiving_settlementline_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"
