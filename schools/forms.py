from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, School, SchoolSite


class SchoolForm(forms.ModelForm):
    """The profile a school's staff keep current. Code and commune are the registry's."""

    class Meta:
        model = School
        fields = [
            "name",
            "level",
            "address",
            "pupils",
            "ethnic_minority_percent",
            "boarding",
            "latitude",
            "longitude",
            "focal_point_name",
            "focal_point_phone",
            "focal_point_email",
            "principal_name",
        ]
        widgets = {
            "pupils": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "ethnic_minority_percent": forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "21.5937"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "103.4176"}),
            "focal_point_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "latitude": _("Decimal degrees, as a phone map shows them. Leave empty if unknown."),
            "focal_point_name": _("The person who answers donors and the education office about needs."),
            "principal_name": _("Signs the school's documents, such as thank-you letters to donors."),
        }

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            (latitude is None) != (longitude is None)
            and not self.has_error("latitude")
            and not self.has_error("longitude")
        ):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."), code="half_coordinates")
        return cleaned


class SchoolSiteForm(forms.ModelForm):
    class Meta:
        model = SchoolSite
        fields = ["name", "village", "distance_km", "pupils", "electricity", "water_source", "toilet", "notes"]
        widgets = {
            "distance_km": forms.NumberInput(attrs={"min": 0, "step": "0.1", "inputmode": "decimal"}),
            "pupils": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = SchoolSite.objects.filter(school=self.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This school already has a site with that name."), code="duplicate")
        return name


class UnitImportForm(forms.Form):
    """One CSV row of administrative units, validated like a web form."""

    code = forms.CharField(max_length=10)
    name = forms.CharField(max_length=120)
    level = forms.ChoiceField(choices=AdministrativeUnit.Level.choices)
    parent_code = forms.CharField(max_length=10, required=False)

    def clean(self):
        cleaned = super().clean()
        level, parent_code = cleaned.get("level"), cleaned.get("parent_code")
        cleaned["parent"] = None
        if level is None:
            return cleaned
        if cleaned.get("code"):
            cleaned["code"] = AdministrativeUnit.padded_code(level, cleaned["code"])
        if level == AdministrativeUnit.Level.PROVINCE:
            if parent_code:
                self.add_error("parent_code", _("A province has no parent unit."))
            return cleaned
        if not parent_code:
            self.add_error("parent_code", _("A district or commune needs a parent unit."))
            return cleaned
        allowed = [AdministrativeUnit.Level.PROVINCE]
        if level == AdministrativeUnit.Level.COMMUNE:
            allowed.append(AdministrativeUnit.Level.DISTRICT)
        codes = {AdministrativeUnit.padded_code(parent_level, parent_code) for parent_level in allowed}
        parents = list(
            AdministrativeUnit.objects.filter(code__in=codes, level__in=allowed, abolished_on__isnull=True)[:2]
        )
        if not parents:
            self.add_error("parent_code", _("No unit with code %(code)s can hold this one.") % {"code": parent_code})
        elif len(parents) > 1:
            self.add_error("parent_code", _("Code %(code)s names more than one unit.") % {"code": parent_code})
        else:
            cleaned["parent"] = parents[0]
        return cleaned


class SchoolImportForm(forms.ModelForm):
    """One CSV row of schools: the commune is given by its official code."""

    commune_code = forms.CharField(max_length=10)

    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "level",
            "address",
            "latitude",
            "longitude",
            "pupils",
            "ethnic_minority_percent",
            "boarding",
            "focal_point_name",
            "focal_point_phone",
            "focal_point_email",
        ]

    def clean_commune_code(self):
        code = AdministrativeUnit.padded_code(AdministrativeUnit.Level.COMMUNE, self.cleaned_data["commune_code"])
        commune = AdministrativeUnit.objects.filter(
            code=code, level=AdministrativeUnit.Level.COMMUNE, abolished_on__isnull=True
        ).first()
        if commune is None:
            raise forms.ValidationError(_("No current commune has code %(code)s.") % {"code": code})
        self.instance.commune = commune
        return code
