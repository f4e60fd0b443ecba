import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.text import search_filter
from schools.filters import PlaceFilterSet
from schools.models import School

from .models import Category, Need
from .selectors import ranked_matches

PROGRESS_CHOICES = [
    ("none", _("No pledge yet")),
    ("started", _("Under half pledged")),
    ("half", _("Half or more pledged")),
    ("full", _("Fully pledged")),
]

SORT_CHOICES = [
    ("relevant", _("Best match")),
    ("urgent", _("Most urgent")),
    ("closest", _("Closest to the goal")),
    ("pupils", _("Most pupils")),
    ("newest", _("Newest")),
]

SORT_ORDERS = {
    "urgent": ["-urgency", F("wanted_by").asc(nulls_last=True), "-pk"],
    "closest": ["-funding_rank", "-pk"],
    "pupils": ["-pupils_benefiting", "-pk"],
    "newest": ["-created_at", "-pk"],
}


class NeedFilter(PlaceFilterSet):
    """Public browse. Every choice is in the URL, so any view of the list can be shared."""

    school_prefix = "school__"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. nha ve sinh Pu Xi")}),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("All categories")
    )
    level = django_filters.ChoiceFilter(
        label=_("School level"), field_name="school__level", choices=School.Level.choices, empty_label=_("All levels")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Need.Urgency.choices, empty_label=_("Any urgency"), method="filter_urgency"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s, Need.Status(s).label) for s in Need.PUBLIC_STATUSES],
        empty_label=_("Open and done"),
    )
    pupils_min = django_filters.NumberFilter(
        label=_("At least this many pupils"),
        field_name="pupils_benefiting",
        lookup_expr="gte",
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    progress = django_filters.ChoiceFilter(
        label=_("Funding progress"), choices=PROGRESS_CHOICES, empty_label=_("Any progress"), method="filter_progress"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="filter_sort", null_value=None
    )

    class Meta:
        model = Need
        fields = ["q", "category", "province", "district", "commune", "level", "urgency", "status"]

    def __init__(self, data=None, *args, **kwargs):
        searching = data is not None and bool(str(data.get("q", "")).strip())
        if data is not None and (not data.get("sort") or (data.get("sort") == "relevant" and not searching)):
            # Unless the visitor chose: the best matches first for a search, else (and
            # for "best match" with nothing typed) the most urgent; the form shows the
            # order the list is in.
            data = data.copy()
            data["sort"] = "relevant" if searching else "urgent"
        super().__init__(data, *args, **kwargs)
        self.form.fields["sort"].initial = "urgent"

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_filter(value))

    def filter_urgency(self, queryset, name, value):
        return queryset.filter(urgency=int(value))

    def filter_progress(self, queryset, name, value):
        if value == "none":
            return queryset.filter(amount_pledged=0)
        if value == "started":
            return queryset.filter(amount_pledged__gt=0, amount_pledged__lt=F("amount_requested") / 2)
        if value == "half":
            return queryset.filter(
                amount_pledged__gte=F("amount_requested") / 2, amount_pledged__lt=F("amount_requested")
            )
        return queryset.filter(amount_pledged__gte=F("amount_requested"))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs`, after every other filter

    @property
    def ranks(self) -> bool:
        """The list is the best matches of a search, ranked."""
        cleaned = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return cleaned.get("sort") == "relevant" and bool(cleaned.get("q"))

    @property
    def qs(self):
        queryset = super().qs
        cleaned = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        sort = cleaned.get("sort") or "urgent"
        if sort == "relevant":
            if cleaned.get("q"):
                # The best few hundred matches, ranked (needs.selectors.ranked_matches):
                # never every match, which a common word makes most of the country's needs.
                return ranked_matches(queryset, cleaned["q"], order=SORT_ORDERS["urgent"])
            sort = "urgent"
        return queryset.order_by(*SORT_ORDERS[sort])
