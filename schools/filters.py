import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import search_filter

from .models import AdministrativeUnit, School


def is_id(value) -> bool:
    """A database id: digits that fit a bigint. Anything else ("1e9", 25 digits) is no id,
    rather than an overflow deep in the database driver. ASCII only: "²" is a digit to
    str.isdigit() but not to int()."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


class UnitChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


def _units():
    return AdministrativeUnit.objects.filter(abolished_on__isnull=True).order_by("name")


class PlaceFilterSet(django_filters.FilterSet):
    """Province → district → commune filters for anything that belongs to a school.

    Districts and communes narrow to the chosen province and district, so a phone never
    scrolls through a whole country. `school_prefix` reaches the school ("" or "school__").
    """

    school_prefix = ""

    province = UnitChoiceFilter(
        label=_("Province"),
        queryset=_units().filter(level="province"),
        method="filter_place",
        empty_label=_("All provinces"),
    )
    district = UnitChoiceFilter(
        label=_("District"),
        queryset=AdministrativeUnit.objects.none(),
        method="filter_place",
        empty_label=_("All districts"),
    )
    commune = UnitChoiceFilter(
        label=_("Commune"),
        queryset=AdministrativeUnit.objects.none(),
        method="filter_place",
        empty_label=_("All communes"),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        data = data or {}
        province_id, district_id = data.get("province"), data.get("district")
        if province_id and is_id(province_id):
            self.filters["district"].queryset = _units().filter(level="district", parent_id=province_id)
            if not district_id:
                # Two-tier provinces have communes straight under the province.
                self.filters["commune"].queryset = _units().filter(level="commune", province_id=province_id)
        if district_id and is_id(district_id):
            self.filters["commune"].queryset = _units().filter(level="commune", parent_id=district_id)

    def filter_place(self, queryset, name, value):
        return queryset.filter(**{f"{self.school_prefix}{name}": value}) if value else queryset

    # Fields that order or page a list without narrowing it.
    not_narrowing = frozenset({"sort", "page"})

    @property
    def narrowing_count(self) -> int:
        """How many filters narrow the list ("Filters (2)"): fields given a value, never the
        sort order (a list sorted by its default is not filtered)."""
        data = self.data or {}
        return sum(
            1
            for name in self.form.fields
            if name not in self.not_narrowing and data.get(name) not in (None, "", "unknown")
        )


class SchoolFilter(PlaceFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=School.Level.choices, empty_label=_("All levels"))
    stale = django_filters.BooleanFilter(
        label=_("Profile out of date"),
        method="filter_stale",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Out of date")), ("false", _("Current"))]),
    )

    class Meta:
        model = School
        fields = ["q", "province", "district", "commune", "level"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_filter(value))

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value else queryset.current()
