from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import lifecycle
from .data.ethnic_groups import ETHNIC_GROUPS
from .models import Entry
from .uploads import check_letter

SENSITIVE_FIELDS = ("sensitive_consent", "ethnic_group", "has_disability", "sensitive_publish_consent")


class EntryForm(forms.ModelForm):
    consent_given = forms.BooleanField(
        label=_("The pupil's parent or guardian agrees to the entry and to its use by the contest"),
        required=False,
    )
    # Not the model's field: the view stores the checked letter under the form's upload
    # token (letters_contest.uploads) and hands it to the entry once it is registered.
    letter_file = forms.FileField(
        label=_("the letter (scan or photo)"),
        required=False,
        help_text=_("A PDF of at most 10 pages and 10 MB, or a photo (JPEG, PNG or WebP)."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
    ethnic_group = forms.ChoiceField(
        label=_("ethnic group"),
        choices=[("", _("Not recorded"))] + [(name, name) for name in ETHNIC_GROUPS],
        required=False,
    )

    field_order = ["school", "pupil_name", "date_of_birth", "class_name", "letter_file"]

    class Meta:
        model = Entry
        fields = [
            "school",
            "pupil_name",
            "date_of_birth",
            "class_name",
            "letter_text",
            "word_count",
            "consent_given",
            "consent_guardian",
            "consent_publish_name",
            "consent_keep_letter",
            *SENSITIVE_FIELDS,
        ]
        labels = {
            "sensitive_consent": _(
                "The pupil and the guardian both consent, explicitly, to recording the pupil's ethnicity "
                "and disability for the special prizes"
            ),
        }
        help_texts = {
            "consent_keep_letter": _(
                "If the letter wins a prize, it is kept in the record of prizes after the contest. "
                "Without this consent only the prize is kept."
            ),
            "sensitive_publish_consent": _(
                "Without this consent a special prize is published without the pupil's name."
            ),
        }
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "letter_text": forms.Textarea(attrs={"rows": 6}),
            "word_count": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, schools, letter=None, **kwargs):
        """`letter`: the PendingLetter this form's upload token already holds, if any."""
        super().__init__(*args, **kwargs)
        self.letter = letter
        self.fields["school"].queryset = self.fields["school"].queryset.filter(pk__in=[s.pk for s in schools])
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        for name in ("pupil_name", "date_of_birth", "class_name", "consent_guardian"):
            self.fields[name].required = True
        self.fields["letter_file"].required = letter is None
        for name in ("letter_file", "ethnic_group"):  # as the model's labels are shown
            self.fields[name].label = capfirst(self.fields[name].label)
        self.fields["word_count"].min_value = 1

    @property
    def sensitive_fields(self):
        return [self[name] for name in SENSITIVE_FIELDS]

    @property
    def other_fields(self):
        return [field for field in self.visible_fields() if field.name not in SENSITIVE_FIELDS]

    def clean_consent_given(self):
        if not self.cleaned_data.get("consent_given"):
            raise ValidationError(_("An entry needs the guardian's consent."), code="consent")
        return True

    def clean_letter_file(self):
        """A new letter, checked and cleaned (letters_contest.uploads.check_letter); none
        when the form's token already holds one."""
        upload = self.cleaned_data.get("letter_file")
        if not upload:
            if self.letter is None:
                raise ValidationError(_("Choose the scan or photo of the letter."), code="required")
            return None
        return check_letter(upload)

    def clean(self):
        cleaned = super().clean()
        # Sensitive data (Law on Personal Data Protection 2025): nothing of it without the
        # explicit consent of the pupil and the guardian.
        if not cleaned.get("sensitive_consent"):
            if cleaned.get("ethnic_group"):
                self.add_error(
                    "ethnic_group",
                    _("The ethnic group is recorded only with the consent of the pupil and the guardian above."),
                )
            if cleaned.get("has_disability"):
                self.add_error(
                    "has_disability",
                    _("A disability is recorded only with the consent of the pupil and the guardian above."),
                )
            if cleaned.get("sensitive_publish_consent"):
                self.add_error(
                    "sensitive_publish_consent",
                    _("Publishing needs the consent to record the data first (above)."),
                )
        return cleaned


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
    opens_on = forms.DateField(
        label=_("entries open on"),
        required=False,
        help_text=_("Left empty: the launch ceremony, or today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    school_deadline = forms.DateField(label=_("deadline for schools"), widget=forms.DateInput(attrs={"type": "date"}))
    judging_from = forms.DateField(
        label=_("provincial judging from"),
        required=False,
        help_text=_("Left empty: the day after the deadline."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    judging_to = forms.DateField(
        label=_("provincial judging until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    forward_by = forms.DateField(
        label=_("forward to the national round by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    judges_required = forms.IntegerField(
        label=_("judges per letter"),
        required=False,
        initial=2,
        min_value=1,
        max_value=9,
        help_text=_("Results are published only when every letter has this many judges' scores."),
    )
    # Pupils' data is not kept forever (issue 19): every round has this date. Left empty
    # it is the default (lifecycle.planned_retention, then six months after publishing).
    delete_entries_on = forms.DateField(
        label=_("delete pupils' data on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what a date input reads
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delete_entries_on"].help_text = retention_help()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("age_min") and cleaned.get("age_max") and cleaned["age_min"] > cleaned["age_max"]:
            self.add_error("age_max", _("The oldest age is below the youngest."))
        dates = dict(cleaned)
        dates["opens_on"] = cleaned.get("opens_on") or cleaned.get("launch_on")
        for field, message in lifecycle.check_dates(dates, today_=timezone.localdate()).items():
            if field == "opens_on" and not cleaned.get("opens_on"):
                field = "launch_on"
            self.add_error(field, message)
        return cleaned


def retention_help() -> str:
    return _(
        "On this date entries without an award are deleted whole; awarded ones keep only the pupil's name, "
        "school and award (and the letter, with the consent given at entry). Left empty: %(months)s months "
        "after the results are published (until then, %(months)s months after the last planned date). "
        "A date you choose stays when the results are published."
    ) % {"months": settings.CONTEST_RETENTION_MONTHS}


class RoundDatesForm(forms.Form):
    """The organiser changes a round's dates (while the round allows it) and the day its
    pupils' data is deleted. Fields the round's state no longer allows are left out."""

    opens_on = forms.DateField(
        label=_("entries open on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    school_deadline = forms.DateField(
        label=_("deadline for schools"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    judging_from = forms.DateField(
        label=_("provincial judging from"),
        required=False,
        help_text=_("Left empty: the day after the deadline."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    judging_to = forms.DateField(
        label=_("provincial judging until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    forward_by = forms.DateField(
        label=_("forward to the national round by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    judges_required = forms.IntegerField(label=_("judges per letter"), min_value=1, max_value=9)
    delete_entries_on = forms.DateField(
        label=_("delete pupils' data on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, round_, dates: bool, retention: bool, **kwargs):
        initial = {name: getattr(round_, name) for name in self.base_fields}
        if not round_.retention_chosen:
            initial["delete_entries_on"] = None  # shown as the default, below the field
        super().__init__(*args, initial=initial, **kwargs)
        if not dates:
            for name in list(self.fields):
                if name != "delete_entries_on":
                    del self.fields[name]
        if not retention:
            del self.fields["delete_entries_on"]
        else:
            self.fields["delete_entries_on"].help_text = retention_help()


class JudgeForm(forms.Form):
    email = forms.EmailField(label=_("The judge's e-mail (an account on the portal)"))
