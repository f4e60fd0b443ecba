import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import SingleLineCharField
from core.text import fold
from documents.models import IssuedDocument
from needs.models import Need
from schools.models import Office, School

# Reference codes avoid letters and digits that are easy to confuse (0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short code a donor types into a bank transfer: "DU" + 6 characters."""
    return "DU" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class BankAccount(models.Model):
    """An account that receives gifts: a school's own, or its education office's."""

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("school")
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("office")
    )
    bank_bin = models.CharField(
        _("bank code (BIN)"), max_length=6, validators=[RegexValidator(r"^\d{6}$", _("Six digits, e.g. 970405."))]
    )
    bank_name = models.CharField(_("bank"), max_length=120)
    account_number = models.CharField(
        _("account number"), max_length=19, validators=[RegexValidator(r"^\d{6,19}$", _("Digits only."))]
    )
    account_holder = models.CharField(_("account holder"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    # Where donors' money goes: who added or changed an account, and when
    # (donations.services.school_account_add).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, office__isnull=True) | Q(school__isnull=True, office__isnull=False),
                name="donations_bankaccount_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.bank_name} {self.account_number} – {self.account_holder}"


class PaymentRoute(models.Model):
    """Which account receives money given to a school's needs, as its officer set it."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="payment_route")
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # Every account a school's gifts were sent to, and who chose it
    # (donations.services.payment_route_set).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receiving account of a school")
        verbose_name_plural = _("receiving accounts of schools")

    def __str__(self):
        return f"{self.school} → {self.account}"


class DonorProfile(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        BUSINESS = "business", _("Business")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="donor_profile")
    kind = models.CharField(_("donor type"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = SingleLineCharField(_("name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    display_name = SingleLineCharField(
        _("public name"), max_length=200, blank=True, help_text=_("How the honour roll names you.")
    )
    anonymous_by_default = models.BooleanField(_("give anonymously by default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # When the profile changed and who changed it, never who the donor is (as for
    # pledges): an erased donor (donations.services.donor_erase) stays erased here too.
    history = HistoricalRecords(excluded_fields=["name", "tax_code", "display_name"])

    class Meta:
        verbose_name = _("donor profile")
        verbose_name_plural = _("donor profiles")

    def __str__(self):
        return self.display_name or self.name


class Fund(models.Model):
    """A programme fund of an education office ("Quỹ Điều ước cho em – Điện Biên 2026"):
    donors give money to it as to a need, and the office places it on verified needs by
    allocation plans (AllocationPlan) that a second person approves.

    The counters are kept by donations.funds under the fund's row lock: `amount_pledged`
    by gifts still active, `amount_received` by gifts arrived, `amount_allocated` by
    approved plans (less reversals). Only money that has arrived is allocated: the
    database refuses an allocated total above the received one. The campaign a fund
    belongs to is kept by campaigns (`CampaignFund`), the layer above.
    """

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="funds")
    name = SingleLineCharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    description = models.TextField(_("what the fund is for"), blank=True)
    is_open = models.BooleanField(_("open for gifts"), default=True)
    amount_pledged = models.BigIntegerField(_("pledged (VND)"), default=0)
    amount_received = models.BigIntegerField(_("received (VND)"), default=0)
    amount_allocated = models.BigIntegerField(_("allocated (VND)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the fund was called and whether it was open; its money moves by pledges and
    # plans, each with its own history.
    history = HistoricalRecords(excluded_fields=["amount_pledged", "amount_received", "amount_allocated"])

    class Meta:
        verbose_name = _("programme fund")
        verbose_name_plural = _("programme funds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pledged__gte=0), name="donations_fund_pledged_positive"),
            models.CheckConstraint(condition=Q(amount_received__gte=0), name="donations_fund_received_positive"),
            models.CheckConstraint(condition=Q(amount_allocated__gte=0), name="donations_fund_allocated_positive"),
            # Only money that has arrived can be allocated, whatever code path writes it.
            models.CheckConstraint(
                condition=Q(amount_allocated__lte=models.F("amount_received")), name="donations_fund_not_overallocated"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("donations:fund", args=[self.slug])

    @property
    def balance(self) -> int:
        """Arrived and not yet allocated: what a plan may still place."""
        return self.amount_received - self.amount_allocated


class Sponsorship(models.Model):
    """A donor's sponsorship of school lunches on a lunch need (Need.is_lunch): so many
    pupils for so many months from a first month, paid at once (one pledge) or month by
    month (one pledge per month, each with its own reference and due date). Kept by
    donations.sponsorships."""

    class Schedule(models.TextChoices):
        AT_ONCE = "once", _("All at once")
        MONTHLY = "monthly", _("Month by month")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        STOPPED = "stopped", _("Stopped by the donor")
        ENDED = "ended", _("Ended")

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="sponsorships")
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsorships"
    )
    donor_name = SingleLineCharField(_("name"), max_length=200)
    donor_email = models.EmailField(_("e-mail"))
    donor_phone = models.CharField(_("phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("give anonymously"), default=False)
    message = models.TextField(_("message to the school"), blank=True, max_length=1000)
    pupils = models.PositiveIntegerField(_("pupils"))
    first_month = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"))
    # Per pupil per month, as the need asked when the sponsorship began.
    cost_per_month = models.BigIntegerField(_("cost per pupil per month (VND)"))
    schedule = models.CharField(_("payment"), max_length=8, choices=Schedule.choices, default=Schedule.MONTHLY)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    # As for pledges: figures and statuses, never who the donor is.
    history = HistoricalRecords(excluded_fields=["donor_name", "donor_email", "donor_phone", "message"])

    class Meta:
        verbose_name = _("lunch sponsorship")
        verbose_name_plural = _("lunch sponsorships")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["donor", "-created_at"], name="donations_sponsorship_donor")]
        constraints = [
            models.CheckConstraint(condition=Q(pupils__gt=0), name="donations_sponsorship_pupils_positive"),
            models.CheckConstraint(
                condition=Q(months__gt=0, months__lte=12), name="donations_sponsorship_months_in_year"
            ),
            models.CheckConstraint(condition=Q(cost_per_month__gt=0), name="donations_sponsorship_cost_positive"),
        ]

    def __str__(self):
        return f"{self.need_id}: {self.pupils} × {self.months}"

    @property
    def public_name(self) -> str:
        return "" if self.anonymous else self.donor_name

    @property
    def pupil_months(self) -> int:
        return self.pupils * self.months

    @property
    def total(self) -> int:
        return self.pupil_months * self.cost_per_month

    @property
    def monthly_amount(self) -> int:
        return self.pupils * self.cost_per_month

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_monthly(self) -> bool:
        return self.schedule == self.Schedule.MONTHLY

    # The three below read the instalments as loaded (selectors.sponsorships_of prefetches
    # them in month order).
    @property
    def next_due(self):
        """The first instalment the donor still has to transfer, or None."""
        return next((pledge for pledge in self.instalments.all() if pledge.awaits_transfer), None)

    @property
    def months_paid(self) -> int:
        """Months whose money has arrived."""
        # A sponsorship paid at once has one pledge for all its months.
        return sum(
            self.months if pledge.month is None else 1 for pledge in self.instalments.all() if pledge.is_received
        )

    @property
    def months_missed(self) -> int:
        """Instalments that expired unpaid or were cancelled when the donor stopped."""
        return sum(1 for pledge in self.instalments.all() if not pledge.is_active)


class Pledge(models.Model):
    """A promise to fund part of one need, in money or in goods, or a gift of money to a
    programme fund (`fund`, no need).

    The portal never holds money: a money pledge is paid by bank transfer carrying the
    reference, and the school or the office confirms receipt. Three kinds of pledge on a
    need come from elsewhere than a donor's form: an allocation from a fund
    (`source_fund`, made by an approved plan's line), and the instalments of a lunch
    sponsorship (`sponsorship`; `month` is the month it pays for, `due_on` when).
    """

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        GOODS = "goods", _("Goods")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged, awaiting receipt")
        RECEIVED = "received", _("Received")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    # Pledges that count against what a need still lacks.
    ACTIVE_STATUSES = (Status.PLEDGED, Status.RECEIVED, Status.DELIVERED)
    # The gift has arrived (and may have been delivered since): it counts as given.
    RECEIVED_STATUSES = (Status.RECEIVED, Status.DELIVERED)

    need = models.ForeignKey(
        Need, verbose_name=_("need"), null=True, blank=True, on_delete=models.PROTECT, related_name="pledges"
    )
    # A gift to a programme fund, not to a need: counted as money raised once, in the fund.
    fund = models.ForeignKey(
        Fund, verbose_name=_("programme fund"), null=True, blank=True, on_delete=models.PROTECT, related_name="gifts"
    )
    # Money a fund placed on this need by an approved plan: the need's progress counts it,
    # money raised does not (it was counted as the fund's gift).
    source_fund = models.ForeignKey(
        Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations", editable=False
    )
    sponsorship = models.ForeignKey(
        Sponsorship, null=True, blank=True, on_delete=models.PROTECT, related_name="instalments", editable=False
    )
    # The first day of the month an instalment pays for; null for the whole sponsorship
    # paid at once, and for every other pledge.
    month = models.DateField(_("month"), null=True, blank=True)
    # When an instalment is due: its reminder and expiry count from here, not from creation.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges"
    )
    donor_name = SingleLineCharField(_("name"), max_length=200)
    donor_email = models.EmailField(_("e-mail"))
    donor_phone = models.CharField(_("phone"), max_length=20, blank=True)
    kind = models.CharField(_("kind of gift"), max_length=6, choices=Kind.choices, default=Kind.MONEY)
    # Whole VND: the money promised, or the estimated value of the goods.
    amount = models.BigIntegerField(_("amount (VND)"))
    goods_description = models.TextField(_("goods"), blank=True)
    message = models.TextField(_("message to the school"), blank=True, max_length=1000)
    anonymous = models.BooleanField(_("give anonymously"), default=False)
    # The public name folded (core.text.fold), empty when anonymous: what the ledger's
    # search box matches a name against, accents or not (selectors.ledger_search).
    search_name = models.CharField(max_length=200, editable=False, default="", db_default="")
    reference = models.CharField(_("reference code"), max_length=12, unique=True, default=new_reference)
    # The form's one-time token: a double-submitted form finds the pledge it made.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLEDGED)
    received_amount = models.BigIntegerField(_("amount received (VND)"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_on = models.DateField(_("expires on"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Audit trail (oversight.audit): amounts and statuses, never who the donor is, so an
    # erased donor (donations.personal_data) stays erased in the history too.
    history = HistoricalRecords(excluded_fields=["donor_name", "donor_email", "donor_phone", "message", "search_name"])

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at"]
        indexes = [
            # "My pledges" and the claim of guest pledges on sign-up.
            models.Index(fields=["donor", "-created_at"], name="donations_pledge_donor"),
            models.Index(fields=["donor_email"], name="donations_pledge_email"),
            # Expiry and reminders scan pledges still waiting for receipt.
            models.Index(fields=["status", "expires_on"], name="donations_pledge_status_expiry"),
            models.Index(fields=["need", "status"], name="donations_pledge_need_status"),
            models.Index(fields=["fund", "status"], name="donations_pledge_fund_status"),
            # The give page's typical gift (selectors.typical_gift): the last money gifts
            # received, newest first, read in order until 200 of the need's kind are found.
            # Without it PostgreSQL sorted every received gift of the kind: 0,9 s a give
            # page at 3 million pledges (docs/performance.md §0).
            models.Index(
                F("received_on").desc(),
                F("id").desc(),
                name="donations_pledge_typical_gift",
                condition=Q(
                    kind="money",
                    status__in=["received", "delivered"],
                    source_fund__isnull=True,
                    sponsorship__isnull=True,
                    received_amount__isnull=False,
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_pledge_amount_positive"),
            # A pledge is to a need or to a fund, never both; a fund takes money only.
            models.CheckConstraint(
                condition=Q(need__isnull=False, fund__isnull=True)
                | Q(need__isnull=True, fund__isnull=False, kind="money"),
                name="donations_pledge_need_or_fund",
            ),
            # An allocation is money on a need; an instalment is on a need too.
            models.CheckConstraint(
                condition=Q(source_fund__isnull=True) | Q(need__isnull=False, kind="money", sponsorship__isnull=True),
                name="donations_pledge_allocation_on_need",
            ),
            models.CheckConstraint(
                condition=Q(sponsorship__isnull=True) | Q(need__isnull=False, kind="money"),
                name="donations_pledge_instalment_on_need",
            ),
            # One instalment per sponsorship and month.
            models.UniqueConstraint(
                fields=["sponsorship", "month"],
                condition=Q(sponsorship__isnull=False, month__isnull=False),
                name="donations_pledge_instalment_once",
            ),
            models.CheckConstraint(
                condition=Q(received_amount__isnull=True) | Q(received_amount__gte=0),
                name="donations_pledge_received_positive",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.search_name = fold(self.public_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    @staticmethod
    def waiting_q(today) -> Q:
        """Waiting for receipt now: pledged, and due already (a lunch sponsorship's later
        months are pledged up front but due only in their month)."""
        return Q(status=Pledge.Status.PLEDGED) & (Q(due_on__isnull=True) | Q(due_on__lte=today))

    @staticmethod
    def overdue_q(now) -> Q:
        """Waiting for receipt longer than PLEDGE_REMINDER_DAYS: counted from the pledge,
        or, for an instalment, from the day it fell due."""
        from datetime import timedelta

        late = now - timedelta(days=settings.PLEDGE_REMINDER_DAYS)
        return Q(status=Pledge.Status.PLEDGED) & (
            Q(due_on__isnull=True, created_at__lt=late) | Q(due_on__lt=timezone.localdate(late))
        )

    @property
    def public_name(self) -> str:
        return "" if self.anonymous else self.donor_name

    @property
    def is_fund_gift(self) -> bool:
        return self.fund_id is not None

    @property
    def is_allocation(self) -> bool:
        return self.source_fund_id is not None

    @property
    def is_instalment(self) -> bool:
        return self.sponsorship_id is not None

    @property
    def is_active(self) -> bool:
        """Still counts against what the need lacks: neither cancelled nor expired."""
        return self.status in self.ACTIVE_STATUSES

    @property
    def awaits_receipt(self) -> bool:
        return self.status == self.Status.PLEDGED

    @property
    def awaits_transfer(self) -> bool:
        """A money gift not yet received: the donor still has to make the transfer."""
        return self.awaits_receipt and self.kind == self.Kind.MONEY

    @property
    def awaits_handover(self) -> bool:
        """Goods not yet received: the donor still has to bring or send them to the school."""
        return self.awaits_receipt and self.kind == self.Kind.GOODS

    @property
    def can_be_cancelled(self) -> bool:
        # Once the gift has arrived the school counts on it; the donor can no longer cancel.
        return self.awaits_receipt

    @property
    def is_received(self) -> bool:
        return self.status in self.RECEIVED_STATUSES

    @property
    def awaits_delivery(self) -> bool:
        """Received, and the school has yet to deliver and post proof."""
        return self.status == self.Status.RECEIVED


class PledgeEvent(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Pledge.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Pledge.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledge history entry")
        verbose_name_plural = _("pledge history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.pledge_id}: {self.from_status} → {self.to_status}"


class PledgeNotice(models.Model):
    """The outbox of the e-mails a pledge triggers (donations.outbox): one row per pledge
    and kind, written with the change that triggers it, marked when sent."""

    class Kind(models.TextChoices):
        PLEDGED = "pledged", _("Payment details")
        RECEIVED = "received", _("Gift received")
        DELIVERED = "delivered", _("Gift delivered")
        REMINDER = "reminder", _("Reminder")
        # A monthly instalment of a lunch sponsorship falls due: this month's reference.
        DUE = "due", _("Monthly payment due")
        # To the school: a month not paid was released back to its lunch need.
        RELEASED = "released", _("Month released")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Claimed by a sender until then, or waiting after a failed send until then.
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pledge", "kind"], name="donations_pledgenotice_once")]
        indexes = [
            # The sweep's query: the few rows still waiting, oldest first.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="donations_notice_waiting_idx"),
        ]

    def __str__(self):
        return f"{self.pledge_id} {self.kind}"


class StatementImport(models.Model):
    """One uploaded bank statement: previewed first, applied once."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    # The bank chosen on upload (StatementColumnMap.Bank), empty for the common names.
    bank = models.CharField(max_length=20, blank=True)
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    def rows_by_outcome(self) -> dict[str, list[dict]]:
        grouped = {"matched": [], "ambiguous": [], "unmatched": [], "duplicate": [], "malformed": []}
        for row in self.rows:
            grouped.setdefault(row["outcome"], []).append(row)
        return grouped

    def row(self, line: int) -> dict | None:
        return next((row for row in self.rows if row["line"] == line), None)

    def line_key(self, row: dict) -> str:
        """What StatementLine.transaction holds for the row: the bank's id, or the
        import and line for a bank that gives none."""
        return row["transaction"] or f"{self.pk}:{row['line']}"


class StatementLine(models.Model):
    """A bank transaction that confirmed a pledge; its id is never applied twice. Matched
    by its reference (statement_apply), or by an officer's hand (`manual`,
    statement_line_match), which the officer may undo while the pledge has not moved on;
    the history keeps both, with who and why."""

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    transaction = models.CharField(max_length=100, unique=True)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    booked_on = models.DateField()
    manual = models.BooleanField(default=False)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return self.transaction


class StatementColumnMap(models.Model):
    """The column names read from one bank's statements: an office's own, or the
    default for every office (`office` empty). Without either, the names described in
    donations.statement_banks.DEFAULTS are used."""

    class Bank(models.TextChoices):
        VIETCOMBANK = "vietcombank", "Vietcombank"
        VIETINBANK = "vietinbank", "VietinBank"
        BIDV = "bidv", "BIDV"
        AGRIBANK = "agribank", "Agribank"
        MB = "mb", "MB"

    bank = models.CharField(_("bank"), max_length=20, choices=Bank.choices)
    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date_column = models.CharField(_("transaction date column"), max_length=300)
    amount_column = models.CharField(_("credit amount column"), max_length=300)
    description_column = models.CharField(_("description column"), max_length=300)
    reference_column = models.CharField(_("bank reference column"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement column mapping")
        verbose_name_plural = _("statement column mappings")
        constraints = [
            models.UniqueConstraint(fields=["bank", "office"], name="donations_statementcolumnmap_office_once"),
            models.UniqueConstraint(
                fields=["bank"], condition=Q(office__isnull=True), name="donations_statementcolumnmap_global_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_bank_display()} ({self.office or '—'})"


class AllocationPlan(models.Model):
    """A plan to place a fund's money on verified needs (phương án hỗ trợ), or to reverse
    an approved one's lines. Drafted by an officer of the fund's office, approved by a
    second person (donations.permissions.may_approve_plan), applied in one transaction
    and issued as a decision (Quyết định) numbered from the office's register. Never
    edited once approved: a reversal is a new plan and a new decision."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")
        REVERSAL = "reversal", _("Reversal")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fund = models.ForeignKey(Fund, verbose_name=_("programme fund"), on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ALLOCATION)
    reverses = models.ForeignKey(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("grounds"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="allocation_plan"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            # The person who drafted a plan never approves it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
                name="donations_plan_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(kind="allocation", reverses__isnull=True) | Q(kind="reversal", reverses__isnull=False),
                name="donations_plan_reversal_names_plan",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_reversal(self) -> bool:
        return self.kind == self.Kind.REVERSAL


class AllocationLine(models.Model):
    """One line of a plan: this much of the fund to this verified need. Approval makes
    its pledge (`pledge`); a reversal's line names the line it reverses."""

    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="lines")
    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="allocation_lines")
    amount = models.BigIntegerField(_("amount (VND)"))
    pledge = models.OneToOneField(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="allocation_line"
    )
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donations_allocationline_amount_positive"),
            models.UniqueConstraint(fields=["plan", "need"], name="donations_allocationline_need_once"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.need_id} {self.amount}"
