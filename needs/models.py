import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import SingleLineCharField
from core.text import fold
from schools.models import AdministrativeUnit, School, SchoolSite


class Category(models.TextChoices):
    """The programme's wish groups (2021), refined as the design says."""

    ELECTRICITY = "electricity", _("Electricity")
    WATER = "water", _("Clean water")
    TOILETS = "toilets", _("Toilets")
    MEALS = "meals", _("School meals")
    BOOKS = "books", _("Books and learning supplies")
    EQUIPMENT = "equipment", _("Learning and living equipment")
    SPORTS = "sports", _("Physical-education equipment")
    CLASSROOMS = "classrooms", _("Classrooms and staff housing")
    OTHER = "other", _("Other")


# Icon (Bootstrap Icons) and a one-line description for each category.
CATEGORY_INFO = {
    Category.ELECTRICITY: (
        "bi-lightning-charge",
        _("Grid connection, solar panels, wiring and lights for classrooms."),
    ),
    Category.WATER: ("bi-droplet", _("Piped or spring water, filters, tanks and taps for drinking and washing.")),
    Category.TOILETS: ("bi-house-door", _("New toilets, or repairs where they are degraded.")),
    Category.MEALS: ("bi-egg-fried", _("School lunches, kitchens, cooking equipment and dining rooms.")),
    Category.BOOKS: ("bi-book", _("Textbooks, notebooks, pens, school bags and library books.")),
    Category.EQUIPMENT: ("bi-backpack", _("Desks, chairs, blankets, mattresses and warm clothes.")),
    Category.SPORTS: ("bi-dribbble", _("Balls, nets and equipment for physical education.")),
    Category.CLASSROOMS: ("bi-building", _("Classrooms, boarding rooms and housing for teachers.")),
    Category.OTHER: ("bi-three-dots", _("Anything else a school lacks.")),
}


# Need.PUBLIC_STATUSES as plain values, for the partial indexes in Need.Meta (a class
# body cannot see the enclosing class); a test keeps the two equal.
PUBLIC_STATUS_VALUES = ("verified", "funded", "delivered", "closed")


class NeedQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Need.PUBLIC_STATUSES)

    def open(self):
        """Needs not yet finished: a duplicate of one of these would be funded twice."""
        return self.filter(status__in=Need.OPEN_STATUSES)

    def in_unit(self, unit):
        return self.filter(unit.school_filter("school__"))


class Need(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting verification")
        RETURNED = "returned", _("Returned to the school")
        VERIFIED = "verified", _("Verified, open for gifts")
        FUNDED = "funded", _("Fully pledged")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Urgency(models.IntegerChoices):
        NORMAL = 1, _("Normal")
        HIGH = 2, _("Urgent")
        CRITICAL = 3, _("Very urgent")

    # On the public lists; also the needs that ask for money now or did, the base of the
    # requested / pledged / received figures of dashboards and reviews.
    PUBLIC_STATUSES = (Status.VERIFIED, Status.FUNDED, Status.DELIVERED, Status.CLOSED)
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.VERIFIED, Status.FUNDED)
    # Public and not yet delivered: open for gifts, or fully pledged and awaiting delivery.
    FUNDING_STATUSES = (Status.VERIFIED, Status.FUNDED)
    # Fully pledged or beyond: what a campaign target counts as covered.
    COVERED_STATUSES = (Status.FUNDED, Status.DELIVERED, Status.CLOSED)
    # Delivered, whether or not closed since.
    DELIVERED_STATUSES = (Status.DELIVERED, Status.CLOSED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.EXPIRED)
    # On the public lists, or just leaving them: a change to such a need changes what the
    # lists hold. Drafts, submissions and returns never are, so posting keeps the counts.
    PUBLIC_OR_LEAVING_STATUSES = (*PUBLIC_STATUSES, Status.CANCELLED, Status.EXPIRED)

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="needs")
    site = models.ForeignKey(
        SchoolSite,
        verbose_name=_("satellite site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        help_text=_("Leave empty if the need is at the main school."),
    )
    # Where the school stood when the need was made, copied from it on creation and never
    # changed: a school that moves to another commune (a reform, schools/units.py) takes
    # its new needs there, while its old ones stay counted where campaigns counted them.
    province = models.ForeignKey(
        AdministrativeUnit, editable=False, db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        AdministrativeUnit, null=True, editable=False, db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        AdministrativeUnit, editable=False, db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = SingleLineCharField(_("title"), max_length=160)
    description = models.TextField(_("description"))
    pupils_benefiting = models.PositiveIntegerField(_("pupils benefiting"))
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Whole VND. The sum of the line items, kept here so lists never sum items.
    amount_requested = models.BigIntegerField(_("amount requested"), default=0)
    # Maintained by the donations app when pledges are made and confirmed.
    amount_pledged = models.BigIntegerField(_("amount pledged"), default=0)
    amount_received = models.BigIntegerField(_("amount received"), default=0)
    delivery_note = models.TextField(_("delivery note"), blank=True)
    # A school-lunch need sponsored month by month (donations.sponsorships): so many
    # boarding pupils, fed for so many months of one school year from the first month, at
    # a cost per pupil per month. amount_requested = pupils × months × cost. Pupils are
    # counted, never named. All four are set, or none (an ordinary need).
    lunch_pupils = models.PositiveIntegerField(_("pupils to feed"), null=True, blank=True)
    lunch_months = models.PositiveSmallIntegerField(_("months of the school year"), null=True, blank=True)
    lunch_first_month = models.DateField(_("first month"), null=True, blank=True)
    lunch_cost = models.BigIntegerField(_("cost per pupil per month (VND)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="needs_created"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    funded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # How close a need open for gifts is to its goal, in thousandths; -1 for the rest.
    # Computed by the database from the counters, whatever writes them, so the "closest
    # to the goal" sort reads an index instead of dividing across every public need.
    funding_rank = models.GeneratedField(
        expression=Case(
            When(
                Q(status=Status.VERIFIED) & Q(amount_requested__gt=0),
                then=F("amount_pledged") * 1000 / F("amount_requested"),
            ),
            default=Value(-1),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()
    # Audit trail (oversight.audit). Money counters move with pledges, whose own history
    # records each change; derived columns are left out.
    # The recorded place never changes after creation: no history of its own.
    history = HistoricalRecords(excluded_fields=["search_text", "funding_rank", "province", "district", "commune"])

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at"]
        indexes = [
            # The verification queue: submitted needs, oldest first.
            models.Index(fields=["status", "submitted_at"], name="needs_need_status_submitted"),
            # Browse: public needs newest first, and by urgency.
            models.Index(fields=["status", "-created_at"], name="needs_need_status_created"),
            models.Index(fields=["school", "category", "status"], name="needs_need_school_category"),
            # A campaign's needs: those recorded in its scope during its period (Campaign.needs).
            models.Index(fields=["province", "created_at"], name="needs_need_province_created"),
            models.Index(fields=["district", "created_at"], name="needs_need_district_created"),
            models.Index(fields=["commune", "created_at"], name="needs_need_commune_created"),
            # Public browse (needs.filters.SORT_ORDERS): each sort reads its first page
            # straight off a partial index of public needs instead of sorting them all.
            models.Index(
                F("urgency").desc(),
                # ASC puts nulls last on PostgreSQL, as the sort asks (SQLite has no NULLS LAST in an index).
                F("wanted_by").asc(),
                F("id").desc(),
                condition=Q(status__in=PUBLIC_STATUS_VALUES),
                name="needs_need_public_urgent",
            ),
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                condition=Q(status__in=PUBLIC_STATUS_VALUES),
                name="needs_need_public_newest",
            ),
            models.Index(
                F("pupils_benefiting").desc(),
                F("id").desc(),
                condition=Q(status__in=PUBLIC_STATUS_VALUES),
                name="needs_need_public_pupils",
            ),
            models.Index(
                F("funding_rank").desc(),
                F("id").desc(),
                condition=Q(status__in=PUBLIC_STATUS_VALUES),
                name="needs_need_public_closest",
            ),
            # The "delivered per week" series of the dashboards and the digests' moves.
            models.Index(fields=["delivered_at"], name="needs_need_delivered_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gte=0), name="needs_need_requested_positive"),
            models.CheckConstraint(condition=Q(amount_pledged__gte=0), name="needs_need_pledged_positive"),
            models.CheckConstraint(condition=Q(amount_received__gte=0), name="needs_need_received_positive"),
            # The database itself refuses over-funding, whatever code path writes the counter.
            models.CheckConstraint(
                condition=Q(amount_pledged__lte=F("amount_requested")), name="needs_need_not_overfunded"
            ),
            # A lunch need has its four figures, or none of them.
            models.CheckConstraint(
                condition=Q(
                    lunch_pupils__isnull=True,
                    lunch_months__isnull=True,
                    lunch_first_month__isnull=True,
                    lunch_cost__isnull=True,
                )
                | Q(
                    lunch_pupils__gt=0,
                    lunch_months__gt=0,
                    lunch_months__lte=12,
                    lunch_first_month__day=1,
                    lunch_cost__gt=0,
                ),
                name="needs_need_lunch_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self._state.adding and self.commune_id is None:
            # The school's place today, kept as the need's place for good.
            school = self.school
            self.province_id, self.district_id, self.commune_id = (
                school.province_id,
                school.district_id,
                school.commune_id,
            )
        self.search_text = fold(" ".join([self.title, self.description, self.school.name, self.school.search_text]))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("needs:detail", args=[self.pk])

    @property
    def is_lunch(self) -> bool:
        """Sponsored pupil by pupil, month by month (donations.sponsorships)."""
        return self.lunch_pupils is not None

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def accepts_gifts(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_fully_pledged(self) -> bool:
        """Every đồng asked is pledged, and the need waits for its delivery."""
        return self.status == self.Status.FUNDED

    @property
    def is_returned(self) -> bool:
        """Sent back to the school with a question: it waits for the school's fix."""
        return self.status == self.Status.RETURNED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def amount_missing(self) -> int:
        return max(self.amount_requested - self.amount_pledged, 0)

    @property
    def pledged_fraction(self) -> float:
        return min(self.amount_pledged / self.amount_requested, 1) if self.amount_requested else 0

    @property
    def received_fraction(self) -> float:
        return min(self.amount_received / self.amount_requested, 1) if self.amount_requested else 0

    @property
    def pledged_not_received_fraction(self) -> float:
        """The part of the bar for money promised but not yet arrived."""
        return max(self.pledged_fraction - self.received_fraction, 0)

    @property
    def days_left(self) -> int | None:
        if self.wanted_by is None:
            return None
        return (self.wanted_by - timezone.localdate()).days

    @property
    def category_icon(self) -> str:
        return CATEGORY_INFO[self.category][0]


class NeedItem(models.Model):
    """One line of what is asked: 40 blankets at 250.000 ₫."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=30)
    unit_cost = models.BigIntegerField(_("unit cost (VND)"))
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()  # what was asked, as it changed (need_save)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="needs_needitem_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="needs_needitem_unit_cost_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}"

    @property
    def total(self) -> int:
        return self.quantity * self.unit_cost


def _photo_path(instance, filename):
    # Random names: an uploaded file's name says nothing and cannot be guessed.
    return f"needs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


def _original_path(instance, filename):
    # Outside `needs/`, the only folder served by address (core.media): the photo as the
    # school sent it, with pupils' faces, reached only through needs.views.photo_original.
    return f"private/photo-originals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class NeedPhotoQuerySet(models.QuerySet):
    def publishable(self):
        """The photos anyone may see (NeedPhoto.PUBLISHABLE says why)."""
        return self.filter(public_copy__in=NeedPhoto.PUBLISHABLE)


class NeedPhoto(models.Model):
    """A photo of the need, or of its delivery. Stored re-encoded without EXIF."""

    class Kind(models.TextChoices):
        NEED = "need", _("Photo of the need")
        PROOF = "proof", _("Proof of delivery")

    class PublicCopy(models.TextChoices):
        NOT_NEEDED = "not_needed", _("No check needed")
        WAITING = "waiting", _("Waiting for the education office")
        CONFIRMED = "confirmed", _("Confirmed by the education office")
        HIDDEN = "hidden", _("Hidden by the education office")

    # The one rule of who sees a photo: these states are public, the others are seen by the
    # school and its officers only (needs.permissions).
    PUBLISHABLE = (PublicCopy.NOT_NEEDED, PublicCopy.CONFIRMED)

    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.NEED)
    # Photos accepted before the rest of the form was valid wait here, keyed by the
    # form's token, so the user does not choose them again.
    upload_token = models.UUIDField(null=True, blank=True, db_index=True)
    large = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height")
    thumb = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Perceptual hashes of the large image (needs.images.perceptual_hashes), 64 bits as
    # signed integers; the trust app finds the same photo on another need with them.
    # Empty for photos stored before they existed until `trust_refresh` fills them.
    phash = models.BigIntegerField(null=True, blank=True, editable=False)
    dhash = models.BigIntegerField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Children in photos (Personal Data Protection Law 91/2025): a pupil's image is personal
    # data, published only with the consent of the pupil (from age 7) and of the guardian.
    # The school says whether pupils can be recognised (empty: photos posted before the
    # question, or by a command); without both consents faces are blurred on the public copy
    # (needs.faces), which waits for an officer of the school's office to confirm it.
    pupils_recognisable = models.BooleanField(_("pupils can be recognised"), null=True, blank=True)
    child_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    child_consent_at = models.DateTimeField(null=True, blank=True)
    guardian_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    # The photo as sent, kept for the school and its officers only when the public copy is
    # blurred (large and thumb are then the blurred copy).
    original = models.ImageField(upload_to=_original_path, blank=True)
    faces_found = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)  # empty: detector not run

    public_copy = models.CharField(
        _("public copy"), max_length=10, choices=PublicCopy.choices, default=PublicCopy.NOT_NEEDED
    )
    public_copy_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public_copy_checked_at = models.DateTimeField(null=True, blank=True)

    objects = NeedPhotoQuerySet.as_manager()
    history = HistoricalRecords()  # who added, attached or removed a photo (the files' names, not the images)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]
        constraints = [
            # An officer's decision on the public copy always says when it was taken.
            models.CheckConstraint(
                condition=~Q(public_copy__in=["confirmed", "hidden"]) | Q(public_copy_checked_at__isnull=False),
                name="needs_needphoto_checked_when",
            ),
        ]

    def __str__(self):
        return self.caption or self.large.name

    @property
    def is_publishable(self) -> bool:
        return self.public_copy in self.PUBLISHABLE

    @property
    def is_waiting(self) -> bool:
        return self.public_copy == self.PublicCopy.WAITING

    @property
    def has_both_consents(self) -> bool:
        return bool(self.child_consent_at and self.guardian_consent_at)


class NeedEvent(models.Model):
    """The need's history: every change of status, question and answer, with who and when."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        QUESTION = "question", _("Question from the education office")
        ANSWER = "answer", _("Answer from the school")
        EDIT = "edit", _("Edited")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=12, choices=Need.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Need.Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    # A question's or an answer's file (a supplier's quote): a PDF rewritten by core.pdfs
    # or a photo re-encoded by needs.images; private, served only to the need's insiders.
    attachment = models.FileField(upload_to="private/need-events/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["need", "created_at"], name="needs_needevent_need_created")]

    def __str__(self):
        return f"{self.need_id}: {self.from_status} → {self.to_status}"

    @property
    def attachment_is_pdf(self) -> bool:
        return self.attachment.name.endswith(".pdf")


class LunchMonth(models.Model):
    """One month of a lunch need's school year: how many of its pupils are sponsored
    (pledged, by instalments still active) and how many of those months arrived. Kept by
    donations.sponsorships under the need's row lock; the database refuses more pupils
    sponsored in a month than the need feeds."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lunch_months_set")
    month = models.DateField(_("month"))  # its first day
    pupils = models.PositiveIntegerField(_("pupils to feed"))
    pupils_pledged = models.PositiveIntegerField(_("pupils sponsored"), default=0)
    pupils_received = models.PositiveIntegerField(_("pupils paid for"), default=0)

    class Meta:
        verbose_name = _("lunch month")
        verbose_name_plural = _("lunch months")
        ordering = ["need", "month"]
        constraints = [
            models.UniqueConstraint(fields=["need", "month"], name="needs_lunchmonth_once"),
            models.CheckConstraint(
                condition=Q(pupils_pledged__lte=F("pupils")), name="needs_lunchmonth_not_oversponsored"
            ),
            models.CheckConstraint(
                condition=Q(pupils_received__lte=F("pupils_pledged")), name="needs_lunchmonth_received_within_pledged"
            ),
        ]

    def __str__(self):
        return f"{self.need_id} {self.month:%m/%Y}"

    @property
    def pupils_open(self) -> int:
        return self.pupils - self.pupils_pledged
