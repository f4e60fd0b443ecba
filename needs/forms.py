from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Need, NeedItem

MAX_UNIT_COST = 10_000_000_000  # ten billion dong: more is a typing mistake


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by needs.images in the view."""

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
        single = super().clean
        return [single(item, initial) for item in files]


class NeedForm(forms.ModelForm):
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 6 photos (JPEG, PNG or WebP, at most 8 MB each). Location data is removed."),
    )

    class Meta:
        model = Need
        fields = ["category", "site", "title", "description", "pupils_benefiting", "urgency", "wanted_by"]
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
            "unit_cost": forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric", "class": "js-cost"}),
        }

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


class DeliveryForm(forms.Form):
    note = forms.CharField(
        label=_("What was delivered, when, and to whom"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    photos = MultiplePhotoField(
        label=_("Photos of the delivery"),
        required=True,
        help_text=_("At least one photo of what arrived: donors see it as proof."),
    )
