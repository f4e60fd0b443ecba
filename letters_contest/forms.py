from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.images import process_photo

from .models import Entry

MAX_PDF_BYTES = 10 * 1024 * 1024


class EntryForm(forms.ModelForm):
    consent_given = forms.BooleanField(
        label=_("The pupil's parent or guardian agrees to the entry and to its use by the contest"),
        required=False,
    )

    class Meta:
        model = Entry
        fields = [
            "school",
            "pupil_name",
            "date_of_birth",
            "class_name",
            "letter_file",
            "letter_text",
            "word_count",
            "consent_given",
            "consent_guardian",
            "consent_publish_name",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "letter_text": forms.Textarea(attrs={"rows": 6}),
            "word_count": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "letter_file": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
            ),
        }

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = self.fields["school"].queryset.filter(pk__in=[s.pk for s in schools])
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        for name in ("pupil_name", "date_of_birth", "class_name", "letter_file", "consent_guardian"):
            self.fields[name].required = True
        self.fields["word_count"].min_value = 1

    def clean_consent_given(self):
        if not self.cleaned_data.get("consent_given"):
            raise ValidationError(_("An entry needs the guardian's consent."), code="consent")
        return True

    def clean_letter_file(self):
        upload = self.cleaned_data.get("letter_file")
        if upload is None or not hasattr(upload, "read"):
            return upload
        head = upload.read(5)
        upload.seek(0)
        if head == b"%PDF-":
            if upload.size > MAX_PDF_BYTES:
                raise ValidationError(_("The PDF is larger than 10 MB."))
            # Stored under the extension of what it is, not of the name it came with: a
            # "PDF" named letter.html would be served back as a web page.
            upload.name = "letter.pdf"
            return upload
        # A photo or scan: checked by its content and stored re-encoded, without EXIF.
        processed = process_photo(upload)
        processed.large.name = "letter.jpg"
        return processed.large


class ScoreForm(forms.Form):
    """One score per criterion of the rubric, between 0 and its highest score."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name} ({criterion.weight}%)",
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=1,
                help_text=_("From 0 to %(max)s") % {"max": criterion.max_score},
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class RoundForm(forms.Form):
    """An organiser opens their province's round of an edition (created if it is new)."""

    # Bounds as the contest knows them; they also keep numbers inside the database columns.
    number = forms.IntegerField(label=_("edition number"), min_value=1, max_value=999)
    year = forms.IntegerField(label=_("year"), min_value=1971, max_value=2100)
    theme = forms.CharField(label=_("theme"), widget=forms.Textarea(attrs={"rows": 3}))
    guidance_document = forms.CharField(label=_("national guidance document"), max_length=300)
    age_min = forms.IntegerField(label=_("youngest age"), initial=9, min_value=5, max_value=20)
    age_max = forms.IntegerField(label=_("oldest age"), initial=15, min_value=5, max_value=20)
    word_limit = forms.IntegerField(label=_("word limit"), initial=800, min_value=50, max_value=10_000)
    launch_on = forms.DateField(
        label=_("launch ceremony"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    school_deadline = forms.DateField(label=_("deadline for schools"), widget=forms.DateInput(attrs={"type": "date"}))
    judging_from = forms.DateField(
        label=_("provincial judging from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    judging_to = forms.DateField(
        label=_("provincial judging until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    forward_by = forms.DateField(
        label=_("forward to the national round by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Pupils' data is not kept forever (issue 19): every round has this date. The form
    # proposes today plus the default; left empty, the default counts from the deadline.
    delete_entries_on = forms.DateField(
        label=_("delete entries on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what a date input reads
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.CONTEST_RETENTION_DAYS
        field = self.fields["delete_entries_on"]
        field.initial = timezone.localdate() + timedelta(days=days)
        field.help_text = _(
            "Entries without an award, with the pupils' names and letters, are deleted on this date. "
            "Left empty: %(days)s days after the deadline for schools."
        ) % {"days": days}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("age_min") and cleaned.get("age_max") and cleaned["age_min"] > cleaned["age_max"]:
            self.add_error("age_max", _("The oldest age is below the youngest."))
        delete_on = cleaned.get("delete_entries_on")
        if delete_on:
            kept_until = [cleaned.get(name) for name in ("school_deadline", "judging_to", "forward_by")]
            if any(day and delete_on <= day for day in kept_until):
                self.add_error(
                    "delete_entries_on",
                    _("Entries are deleted after the deadline, the judging and the forwarding: choose a later date."),
                )
        return cleaned


class JudgeForm(forms.Form):
    email = forms.EmailField(label=_("The judge's e-mail (an account on the portal)"))
