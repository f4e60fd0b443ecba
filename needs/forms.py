import re
import uuid
from datetime import date

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyInput, VndField
from core.pdfs import MAGIC, PdfRefused, clean_pdf

from .faces import PupilsAnswer
from .images import process_photo
from .lunch import MAX_MONTHS, month_start
from .models import Category, Need, NeedItem

MAX_UNIT_COST = 10_000_000_000  # ten billion dong: more is a typing mistake
MAX_LUNCH_COST = 50_000_000  # per pupil per month: more is a typing mistake


MONTH_PATTERNS = (
    (re.compile(r"(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})"), False),  # 09/2026
    (re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})"), False),  # 2026-09 (a month input)
    (re.compile(r"(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})"), True),  # 01/09/2026
    (re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"), True),  # 2026-09-01
)


class MonthField(forms.Field):
    """A month typed as mm/yyyy (09/2026); a date is taken only as the first of its month."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", "09/2026")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def prepare_value(self, value):
        if isinstance(value, date):
            return f"{value:%m/%Y}"
        return value

    def to_python(self, value):
        if isinstance(value, date):
            return value
        value = (value or "").strip()
        if not value:
            return None
        for pattern, has_day in MONTH_PATTERNS:
            match = pattern.fullmatch(value)
            if not match:
                continue
            try:
                day = int(match["day"]) if has_day else 1
                typed = date(int(match["year"]), int(match["month"]), day)
            except ValueError:
                break
            if typed.day != 1:
                raise forms.ValidationError(
                    _("The first month starts on the 1st: type the month as mm/yyyy, e.g. 09/2026."), code="not_start"
                )
            return typed
        raise forms.ValidationError(_("Type the month as mm/yyyy, e.g. 09/2026."), code="invalid")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input, at most NEED_PHOTOS_MAX: more is refused here, before
    any is opened. Each is checked by needs.images (through core.images) in the view."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > settings.NEED_PHOTOS_MAX:
            raise forms.ValidationError(
                _("Send at most %(max)s photos at once.") % {"max": settings.NEED_PHOTOS_MAX}, code="too_many_files"
            )
        single = super().clean
        return [single(item, initial) for item in files]


class PupilsInPhotosMixin(forms.Form):
    """Asked with every upload (Personal Data Protection Law 91/2025): can pupils be
    recognised, and has the school both consents? needs.faces decides what follows."""

    pupils_recognisable = forms.TypedChoiceField(
        label=_("Can pupils be recognised in these photos?"),
        choices=[("no", _("No: no pupil's face can be recognised")), ("yes", _("Yes: pupils can be recognised"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "If yes, their faces are blurred on the public copy and the education office checks it before it is "
            "shown, unless the school has recorded both consents below."
        ),
    )
    child_consent = forms.BooleanField(
        label=_("The pupils in the photos (from age 7) have agreed to its publication"), required=False
    )
    guardian_consent = forms.BooleanField(
        label=_("Their parents or guardians have agreed in writing to its publication"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photos") and cleaned.get("pupils_recognisable") is None:
            self.add_error("pupils_recognisable", _("Say whether pupils can be recognised in the photos you send."))
            cleaned.pop("photos", None)  # not stored until the question is answered
        return cleaned

    def pupils_answer(self) -> PupilsAnswer:
        return PupilsAnswer(
            recognisable=self.cleaned_data.get("pupils_recognisable"),
            child_consent=bool(self.cleaned_data.get("child_consent")),
            guardian_consent=bool(self.cleaned_data.get("guardian_consent")),
        )


class NeedForm(PupilsInPhotosMixin, forms.ModelForm):
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 6 photos (JPEG, PNG or WebP, at most 8 MB each). Location data is removed."),
    )

    # A school-lunch need (needs.lunch): pupils × months × cost per pupil per month, for one
    # school year; its amount and its one item follow from the four figures.
    lunch = forms.BooleanField(
        label=_("Monthly school lunches"),
        required=False,
        help_text=_(
            "For the category “School meals”: donors sponsor pupils month by month. "
            "The items below are then replaced by one line: pupils × months × cost."
        ),
    )
    lunch_pupils = forms.IntegerField(
        label=_("Pupils to feed"), required=False, widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})
    )
    lunch_first_month = MonthField(label=_("First month (mm/yyyy)"), required=False)
    lunch_months = forms.IntegerField(
        label=_("Months (one school year: 1–12)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MONTHS, "inputmode": "numeric"}),
    )
    lunch_cost = VndField(label=_("Cost per pupil per month (₫)"), required=False)

    LUNCH_FIELDS = ("lunch_pupils", "lunch_first_month", "lunch_months", "lunch_cost")

    class Meta:
        model = Need
        fields = [
            "category",
            "site",
            "title",
            "description",
            "pupils_benefiting",
            "urgency",
            "wanted_by",
            "lunch_pupils",
            "lunch_first_month",
            "lunch_months",
            "lunch_cost",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "pupils_benefiting": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "wanted_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "title": _("Short and concrete, e.g. “Toilets for Hua Sát satellite site”."),
            "description": _("What is missing, who suffers from it, and what the gift will change."),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = school.sites.order_by("name")
        self.fields["site"].empty_label = _("Main school")
        self.fields["pupils_benefiting"].validators = [
            MinValueValidator(1, message=_("At least one pupil must benefit.")),
            MaxValueValidator(100_000, message=_("This number of pupils is too large; please check it.")),
        ]
        # A lunch need counts its pupils once: left empty, it is the pupils fed.
        self.fields["pupils_benefiting"].required = False
        if self.instance.is_lunch and not self.is_bound:
            self.initial["lunch"] = True

    @property
    def is_lunch(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("lunch"))

    def clean_lunch_pupils(self):
        pupils = self.cleaned_data.get("lunch_pupils")
        if pupils is not None and pupils < 1:
            raise forms.ValidationError(_("At least one pupil: a lunch need feeds pupils."), code="min")
        if pupils is not None and pupils > 100_000:
            raise forms.ValidationError(_("This number of pupils is too large; please check it."), code="max")
        return pupils

    def clean_lunch_months(self):
        months = self.cleaned_data.get("lunch_months")
        if months is not None and months < 1:
            raise forms.ValidationError(_("At least one month."), code="min")
        if months is not None and months > MAX_MONTHS:
            raise forms.ValidationError(
                _("A lunch need covers one school year: at most %(max)s months.") % {"max": MAX_MONTHS}, code="max"
            )
        return months

    def clean_lunch_first_month(self):
        first = self.cleaned_data.get("lunch_first_month")
        if first is not None and first < month_start(timezone.localdate()):
            raise forms.ValidationError(_("This month has passed: start from this month or a later one."), code="past")
        return first

    def clean_lunch_cost(self):
        cost = self.cleaned_data.get("lunch_cost")
        if cost is not None and cost < 1000:
            raise forms.ValidationError(_("The cost per pupil per month must be at least 1.000 ₫."), code="min")
        if cost is not None and cost > MAX_LUNCH_COST:
            raise forms.ValidationError(_("This cost per pupil per month is too large; please check it."), code="max")
        return cost

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lunch"):
            if cleaned.get("category") and cleaned["category"] != Category.MEALS:
                self.add_error("lunch", _("Monthly lunches are a need of the category “School meals”."))
            for name in self.LUNCH_FIELDS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed for monthly school lunches."))
            if cleaned.get("pupils_benefiting") is None and cleaned.get("lunch_pupils"):
                cleaned["pupils_benefiting"] = cleaned["lunch_pupils"]
        else:
            # An ordinary need: none of the four lunch figures, whatever was typed there.
            for name in self.LUNCH_FIELDS:
                self.errors.pop(name, None)
                cleaned[name] = None
        if cleaned.get("pupils_benefiting") is None and "pupils_benefiting" not in self.errors:
            self.add_error("pupils_benefiting", forms.Field.default_error_messages["required"])
        return cleaned

    def clean_wanted_by(self):
        wanted_by = self.cleaned_data.get("wanted_by")
        if wanted_by and wanted_by < timezone.localdate():
            raise forms.ValidationError(_("This date has passed."), code="past")
        return wanted_by


class NeedItemForm(forms.ModelForm):
    class Meta:
        model = NeedItem
        fields = ["description", "quantity", "unit", "unit_cost"]
        widgets = {
            "description": forms.TextInput(attrs={"placeholder": _("e.g. Winter blanket")}),
            "quantity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric", "class": "js-quantity"}),
            "unit": forms.TextInput(attrs={"placeholder": _("e.g. piece")}),
            "unit_cost": MoneyInput(attrs={"class": "js-cost"}),
        }
        field_classes = {"unit_cost": VndField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Our messages replace Django's generic "greater than or equal to" ones.
        self.fields["quantity"].validators = [
            MinValueValidator(1, message=_("The quantity must be at least 1.")),
            MaxValueValidator(1_000_000, message=_("This quantity is too large; please check it.")),
        ]
        self.fields["unit_cost"].validators = [
            MinValueValidator(0, message=_("The unit cost cannot be negative.")),
            MaxValueValidator(MAX_UNIT_COST, message=_("This unit cost is too large; please check it.")),
        ]


NeedItemFormSet = forms.formset_factory(
    NeedItemForm, extra=0, min_num=1, validate_min=True, max_num=30, validate_max=True, can_delete=True
)


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    attachment = forms.FileField(label=_("Attach a file (PDF or photo)"), required=False)

    def clean_attachment(self):
        """A PDF rewritten without scripts (core.pdfs) or a photo re-encoded (needs.images),
        checked by content; the stored file, under a random name."""
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        return attachment_file(upload)


def attachment_file(upload) -> ContentFile:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == MAGIC:
        try:
            data = clean_pdf(upload)
        except PdfRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")
    processed = process_photo(upload)  # raises ValidationError with the reason
    processed.large.seek(0)
    return ContentFile(processed.large.read(), name=f"{uuid.uuid4().hex}.jpg")


class DeliveryForm(PupilsInPhotosMixin, forms.Form):
    note = forms.CharField(
        label=_("What was delivered, when, and to whom"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    photos = MultiplePhotoField(
        label=_("Photos of the delivery"),
        required=True,
        help_text=_("At least one photo of what arrived: donors see it as proof."),
    )

    field_order = ["note", "photos", "pupils_recognisable", "child_consent", "guardian_consent"]
