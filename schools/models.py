from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import validate_phone
from core.fields import SingleLineCharField
from core.text import fold


class AdministrativeUnit(models.Model):
    """A province, district or commune (ward, township) with its official code.

    Districts are optional: before the 1 July 2025 reform a commune hangs under a
    district, after it directly under the province. `province` and `district` are
    denormalised from `parent` on save so that "is this inside that" and "group by
    district" are single-column filters, not tree walks.

    Codes are the official ones at a fixed width (province 2 digits, district 3, commune
    5, zero-padded: `CODE_WIDTH`). The 2025 reform reused codes, so a code names one
    current unit per level but may also name abolished ones.

    A unit is never overwritten by a newer map (the rules are in schools/units.py): the
    same unit under a new name is renamed (the old name kept in `former_names`); a
    different unit that reuses the code (another kind, like "Thị trấn Tuần Giáo" and "Xã
    Tuần Giáo", another parent, or a changed territory) is a new row, and the old one gets
    `abolished_on` and points to its `successors`.
    """

    CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("official code"), max_length=10)
    name = SingleLineCharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    # A unit merged away by a reform keeps its records but no longer takes new ones.
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    # Where an abolished unit's territory went (one unit, or several when it was split).
    successors = models.ManyToManyField(
        "self", verbose_name=_("successors"), symmetrical=False, blank=True, related_name="predecessors"
    )
    # Earlier names of this same unit, oldest first: [{"name": ..., "until": "YYYY-MM-DD"}].
    former_names = models.JSONField(_("former names"), default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            # Codes were reused by the 2025 reform, so only current units must be unique.
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(abolished_on__isnull=True),
                name="schools_administrativeunit_current_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
                name="schools_administrativeunit_parent_by_level",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = self.padded_code(self.level, self.code)
        parent = self.parent
        if parent is None:
            self.province_id = None
            self.district_id = None
        elif parent.level == self.Level.PROVINCE:
            self.province_id = parent.pk
            self.district_id = None
        else:
            self.province_id = parent.province_id
            self.district_id = parent.pk if parent.level == self.Level.DISTRICT else parent.district_id
        super().save(*args, **kwargs)

    @classmethod
    def padded_code(cls, level: str, code) -> str:
        """The official code at its level's fixed width: ("commune", "3253") -> "03253"."""
        text = str(code).strip()
        width = cls.CODE_WIDTH.get(level)
        return text.zfill(width) if width and text.isascii() and text.isdigit() else text

    @property
    def is_current(self) -> bool:
        return self.abolished_on is None

    def clean(self):
        allowed_parents = {
            self.Level.PROVINCE: set(),
            self.Level.DISTRICT: {self.Level.PROVINCE},
            self.Level.COMMUNE: {self.Level.PROVINCE, self.Level.DISTRICT},
        }[self.level]
        if self.parent is None and allowed_parents:
            raise ValidationError({"parent": _("A district or commune needs a parent unit.")})
        if self.parent is not None and self.parent.level not in allowed_parents:
            raise ValidationError({"parent": _("This unit cannot sit under a unit of that level.")})

    def contains(self, other: "AdministrativeUnit") -> bool:
        """True when `other` is this unit or lies inside it."""
        return other.pk == self.pk or self.pk in (other.province_id, other.district_id)

    def school_filter(self, prefix: str = "") -> Q:
        """A filter for schools (or rows reaching a school through `prefix`) in this unit."""
        return Q(**{f"{prefix}{self.level}": self})

    def need_filter(self, prefix: str = "") -> Q:
        """A filter for needs (or rows reaching a need through `prefix`) recorded in this
        unit: where their school stood when they were made (`Need.province`, `district`,
        `commune`), not where it stands today. A campaign counts its needs so, and keeps
        them when its schools move to a new map; the offices' dashboards, which show
        today's area, filter by the schools' place (`school_filter("school__")`)."""
        return Q(**{f"{prefix}{self.level}": self})

    def school_list_query(self) -> str:
        """The query string that filters the school list to this unit."""
        parts = []
        if self.province_id:
            parts.append(f"province={self.province_id}")
        if self.district_id:
            parts.append(f"district={self.district_id}")
        parts.append(f"{self.level}={self.pk}")
        return "&".join(parts)

    def place_names(self) -> list[str]:
        """The names a place here is found by: this unit's name and former names, and
        those of the units it succeeded and of their districts (Xã Tuần Giáo is also
        found as Thị trấn Tuần Giáo and huyện Tuần Giáo). One query, none with `with_place_names`."""
        names = [self.name, *(former["name"] for former in self.former_names)]
        if self.pk:
            prefetched = "predecessors" in getattr(self, "_prefetched_objects_cache", {})
            olds = self.predecessors.all() if prefetched else self.predecessors.select_related("district")
            for old in sorted(olds, key=lambda unit: unit.pk):
                names += [old.name, *(former["name"] for former in old.former_names)]
                if old.district is not None and old.district.abolished_on is not None:
                    names.append(old.district.name)
        return list(dict.fromkeys(names))

    @classmethod
    def with_place_names(cls, queryset):
        """Units ready for `place_names` without a query each."""
        return queryset.prefetch_related(
            models.Prefetch("predecessors", queryset=cls.objects.select_related("district"))
        )

    def office_school_filter(self, prefix: str = "") -> Q:
        """The schools an education office of this unit handles (`School.handled_by`): all
        of a district's or a province's, and of a commune's only the levels it manages."""
        query = self.school_filter(prefix)
        levels = School.levels_handled_in(self)
        if levels is not None:
            query &= Q(**{f"{prefix}level__in": levels})
        return query

    def unit_filter(self, prefix: str = "") -> Q:
        """A filter for administrative units inside this one, itself included."""
        if self.level == self.Level.COMMUNE:  # nothing lies inside a commune
            return Q(**{f"{prefix}pk": self.pk})
        return Q(**{f"{prefix}pk": self.pk}) | Q(**{f"{prefix}{self.level}": self})


class Office(models.Model):
    """An agency attached to an administrative unit.

    Education offices (district Phòng GD&ĐT, provincial Sở GD&ĐT) verify needs and get
    digests; the other kinds (information department, post, youth union, people's
    committees, broadcasting centres) are the coordinating units of campaigns and of
    the letters contest. Names are data, because agencies merge and rename.
    """

    class Kind(models.TextChoices):
        EDUCATION_OFFICE = "education_office", _("Education office (district or commune)")
        EDUCATION_DEPARTMENT = "education_department", _("Department of Education and Training")
        INFORMATION_DEPARTMENT = "information_department", _("Department of Information / Science and Technology")
        POST = "post", _("Provincial post")
        YOUTH_UNION = "youth_union", _("Youth Union")
        PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
        CULTURE_CENTRE = "culture_centre", _("Culture and broadcasting centre")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
        OTHER = "other", _("Other")

    EDUCATION_KINDS = (Kind.EDUCATION_OFFICE, Kind.EDUCATION_DEPARTMENT)

    name = SingleLineCharField(_("name"), max_length=200)
    short_name = SingleLineCharField(_("short name"), max_length=60, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="offices"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    digest_emails = models.TextField(
        _("digest e-mail addresses"),
        blank=True,
        help_text=_("One address per line. The office's digests go to these and to its officers."),
    )
    # How the office's official documents read where the rule of its kind does not fit
    # (documents/issuers.py); empty means by the rule. `db_default` lets bulk loads that
    # name their columns (ops/scale_data.py) leave them out.
    document_parent_body = models.CharField(
        _("parent body in document headers"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. “ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN”. Leave empty to follow the rule of the office's kind."),
    )
    document_name = models.CharField(
        _("name in document headers"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. “SỞ GIÁO DỤC VÀ ĐÀO TẠO”. Leave empty to follow the rule of the office's kind."),
    )
    document_symbol = models.CharField(
        _("symbol in document numbers"),
        max_length=30,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. “SGDĐT”, as in “Số: 12/KH-SGDĐT”. Leave empty to follow the rule of the office's kind."),
    )
    document_signer_title = models.CharField(
        _("signer's title"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. “GIÁM ĐỐC”. Leave empty to follow the rule of the office's kind."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Who changed an office, its name or how its documents read, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["unit__code", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.validators import validate_email

        for address in self.digest_email_list:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {"digest_emails": _("“%(address)s” is not a valid e-mail address.") % {"address": address}}
                ) from None

    @property
    def digest_email_list(self) -> list[str]:
        return [line.strip() for line in self.digest_emails.replace(",", "\n").splitlines() if line.strip()]

    @property
    def is_education_office(self) -> bool:
        return self.kind in self.EDUCATION_KINDS


def stale_cutoff():
    """A school profile last confirmed before this moment, or never, is stale."""
    return timezone.now() - timedelta(days=settings.SCHOOL_PROFILE_STALE_DAYS)


def stale_filter() -> Q:
    """The stale profiles, as a condition: for a filter or an annotation."""
    return Q(profile_confirmed_at__isnull=True) | Q(profile_confirmed_at__lt=stale_cutoff())


class SchoolQuerySet(models.QuerySet):
    def stale(self):
        """Schools whose profile was never confirmed or not within the set days."""
        return self.filter(stale_filter())

    def current(self):
        return self.exclude(stale_filter())


class School(models.Model):
    class Level(models.TextChoices):
        PRESCHOOL = "preschool", _("Preschool")
        PRIMARY = "primary", _("Primary")
        LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
        INTER_LEVEL = "inter_level", _("Inter-level (primary and lower secondary)")
        UPPER_SECONDARY = "upper_secondary", _("Upper secondary")

    # Who handles a school, by the rules since the 1 July 2025 reform: a commune's
    # People's Committee (its Culture and Society division) the preschools, primary and
    # lower-secondary schools of its commune; the provincial department the
    # upper-secondary schools and the whole province. A district office (the old map)
    # handled every school of its district. `handled_by` and
    # `AdministrativeUnit.office_school_filter` apply it; everything else asks them.
    COMMUNE_OFFICE_LEVELS = (Level.PRESCHOOL, Level.PRIMARY, Level.LOWER_SECONDARY, Level.INTER_LEVEL)

    class Boarding(models.TextChoices):
        NONE = "none", _("Day school")
        SEMI = "semi", _("Semi-boarding")
        FULL = "full", _("Boarding")

    code = models.CharField(_("official code"), max_length=20, unique=True)
    name = SingleLineCharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
    )
    # Copied from the commune on save: area filters and per-district figures use them.
    district = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(AdministrativeUnit, editable=False, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(8), MaxValueValidator(24)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(102), MaxValueValidator(110)],
    )
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    ethnic_minority_percent = models.PositiveSmallIntegerField(
        _("ethnic-minority pupils (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    boarding = models.CharField(_("boarding"), max_length=10, choices=Boarding.choices, default=Boarding.NONE)
    focal_point_name = SingleLineCharField(_("focal point"), max_length=150, blank=True)
    focal_point_phone = models.CharField(
        _("focal point's phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    focal_point_email = models.EmailField(_("focal point's e-mail"), blank=True)
    # Signs the school's documents (thank-you letters) above the title "HIỆU TRƯỞNG".
    principal_name = SingleLineCharField(_("principal"), max_length=150, blank=True, default="", db_default="")
    # Name, code and place names without diacritics, so "tuan giao" finds "Tuần Giáo".
    search_text = models.TextField(editable=False, default="")
    profile_confirmed_at = models.DateTimeField(_("profile confirmed current on"), null=True, blank=True)
    profile_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])  # audit trail (oversight.audit)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        indexes = [
            # Area lists and dashboards filter schools by province or district.
            models.Index(fields=["province", "name"], name="schools_school_province_name"),
            models.Index(fields=["district", "name"], name="schools_school_district_name"),
            # The public school list, alphabetical (schools.views.school_list: name, pk).
            models.Index(fields=["name", "id"], name="schools_school_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ethnic_minority_percent__lte=100), name="schools_school_ethnic_percent_range"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        commune = self.commune
        self.province_id = commune.province_id
        self.district_id = commune.district_id
        self.search_text = self.folded_search_text(commune.place_names())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("schools:detail", args=[self.pk])

    def folded_search_text(self, place_names: list[str]) -> str:
        """What the search box matches: name, code, address and the commune's names, old
        and new (`AdministrativeUnit.place_names`), without diacritics."""
        return fold(" ".join([self.name, self.code, *place_names, self.address]))

    def is_in(self, unit: AdministrativeUnit) -> bool:
        return unit.pk in (self.commune_id, self.district_id, self.province_id)

    @classmethod
    def levels_handled_in(cls, unit: AdministrativeUnit) -> tuple[str, ...] | None:
        """The levels of a unit's schools that its education offices handle: None for all
        (a district's or a province's), `COMMUNE_OFFICE_LEVELS` for a commune's."""
        return cls.COMMUNE_OFFICE_LEVELS if unit.level == AdministrativeUnit.Level.COMMUNE else None

    def handled_by(self, unit: AdministrativeUnit) -> bool:
        """Does an education office of this unit handle this school (verify its needs,
        confirm its gifts, choose its receiving account)?"""
        if not self.is_in(unit):
            return False
        levels = self.levels_handled_in(unit)
        return levels is None or self.level in levels

    @property
    def office_unit_ids(self) -> list[int]:
        """The units whose education offices handle this school, nearest first."""
        units = [self.commune_id] if self.level in self.COMMUNE_OFFICE_LEVELS else []
        return units + [unit for unit in (self.district_id, self.province_id) if unit]

    @property
    def is_profile_stale(self) -> bool:
        """The same rule as School.objects.stale(), for a school already loaded."""
        return self.profile_confirmed_at is None or self.profile_confirmed_at < stale_cutoff()


class SchoolSite(models.Model):
    """A satellite site (điểm trường lẻ), often in a village far from the main school."""

    class Electricity(models.TextChoices):
        GRID = "grid", _("Grid power")
        UNRELIABLE = "unreliable", _("Grid power, unreliable")
        SOLAR = "solar", _("Solar or generator only")
        NONE = "none", _("No electricity")

    class Water(models.TextChoices):
        PIPED = "piped", _("Piped clean water")
        WELL = "well", _("Well")
        GRAVITY = "gravity", _("Spring water by pipe")
        STREAM = "stream", _("Stream, carried by hand")
        RAINWATER = "rainwater", _("Rainwater tank")
        NONE = "none", _("No water source")

    class Toilet(models.TextChoices):
        GOOD = "good", _("Adequate toilets")
        DEGRADED = "degraded", _("Degraded toilets")
        NONE = "none", _("No toilet")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=150)
    village = models.CharField(_("village"), max_length=150, blank=True)
    distance_km = models.DecimalField(
        _("distance from the main site (km)"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    electricity = models.CharField(_("electricity"), max_length=12, choices=Electricity.choices)
    water_source = models.CharField(_("water source"), max_length=12, choices=Water.choices)
    toilet = models.CharField(_("toilets"), max_length=10, choices=Toilet.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()  # who added, changed or removed a site, and when

    class Meta:
        verbose_name = _("satellite site")
        verbose_name_plural = _("satellite sites")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="schools_schoolsite_name_unique"),
            models.CheckConstraint(condition=Q(distance_km__gte=0), name="schools_schoolsite_distance_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.school.name})"

    @property
    def lacks_basics(self) -> bool:
        """No power, no clean water or no usable toilet: what the programme asks about first."""
        return (
            self.electricity == self.Electricity.NONE
            or self.water_source in (self.Water.NONE, self.Water.STREAM)
            or self.toilet != self.Toilet.GOOD
        )


class Membership(models.Model):
    """Ties a user to a school or an office with a role. Roles come only from here.

    Any signed-up user may give; these rows add what else they may do.
    """

    class Role(models.TextChoices):
        SCHOOL_STAFF = "school_staff", _("School staff")
        OFFICER = "officer", _("Education officer")
        ORGANISER = "organiser", _("Contest organiser")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, verbose_name=_("school"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    title = models.CharField(_("position"), max_length=100, blank=True)
    # An officer who may approve the allocation plans of the office's programme funds
    # (the second person: donations.permissions.may_approve_plan).
    approves_allocations = models.BooleanField(_("approves allocation plans"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()  # who gave or took a role, and when (oversight.audit)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="school_staff", school__isnull=False, office__isnull=True)
                    | Q(role__in=["officer", "organiser"], school__isnull=True, office__isnull=False)
                ),
                name="schools_membership_target_by_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="schools_membership_school_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "office"],
                condition=Q(office__isnull=False),
                name="schools_membership_office_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.school or self.office}"

    def clean(self):
        if self.role == self.Role.SCHOOL_STAFF:
            if not self.school or self.office:
                raise ValidationError(_("School staff belong to a school, not an office."))
        elif not self.office or self.school:
            raise ValidationError(_("Officers and organisers belong to an office, not a school."))
        elif self.role == self.Role.OFFICER and not self.office.is_education_office:
            raise ValidationError({"office": _("Education officers belong to an education office.")})

    @property
    def area(self) -> AdministrativeUnit:
        """The unit this membership acts on."""
        return self.school.commune if self.school_id else self.office.unit
