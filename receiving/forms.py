"""Circular 16 records: forms."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VndField

from .models import ReceivingTeam, TeamMember, UsagePlan, UsagePlanLine
from .plans import MAX_LINES, comment_problem
from .teams import MAX_MEMBERS


class TeamForm(forms.ModelForm):
    class Meta:
        model = ReceivingTeam
        fields = ["decision_reference"]


class MemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["full_name", "job_title", "role"]
        widgets = {
            "full_name": forms.TextInput(attrs={"placeholder": _("e.g. Lò Văn Thành")}),
            "job_title": forms.TextInput(attrs={"placeholder": _("e.g. Principal")}),
        }


class _MemberFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _("The form was incomplete: please send it again."),
        "too_few_forms": _("Name at least the head of the team."),
        "too_many_forms": _("A team has at most %(num)d members."),
    }


class _PlanLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _("The form was incomplete: please send it again."),
        "too_few_forms": _("Add at least one item."),
        "too_many_forms": _("A plan has at most %(num)d items."),
    }


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=_MemberFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_MEMBERS,
    validate_max=True,
    can_delete=True,
)


class PlanForm(forms.ModelForm):
    class Meta:
        model = UsagePlan
        fields = ["purpose", "beneficiaries", "pupils_benefiting", "method", "work_starts_on", "work_ends_on"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
            "method": forms.Textarea(
                attrs={
                    "rows": 3,
                    "placeholder": _("e.g. The school buys the goods from a local supplier with three quotes."),
                }
            ),
            "work_starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "work_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "work_starts_on": _("No earlier than fifteen working days after the plan is published."),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("work_starts_on"), data.get("work_ends_on")
        if starts and ends and ends < starts:
            self.add_error("work_ends_on", _("The work cannot end before it starts."))
        return data


class PlanLineForm(forms.ModelForm):
    unit_cost = VndField(label=_("Unit cost"), min_value=0, max_value=10_000_000_000)

    class Meta:
        model = UsagePlanLine
        fields = ["description", "quantity", "unit", "unit_cost"]
        widgets = {
            "quantity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric", "class": "js-quantity"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_cost"].widget.attrs["class"] = "js-cost"
        self.fields["quantity"].min_value = 1


PlanLineFormSet = forms.formset_factory(
    PlanLineForm,
    formset=_PlanLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    can_delete=True,
)


class CommentForm(forms.Form):
    # No max_length here or in the page: a browser would cut a pasted text silently; the
    # length is checked with a message that keeps the text (plans.comment_problem).
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
        required=False,  # an empty comment gets the same clear message as a short one
        help_text=_("Plain text, at most 2.000 characters, no links. The school reads it before it is shown."),
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        problem = comment_problem(body)
        if problem:
            raise forms.ValidationError(problem)
        return body


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", _("Publish")), ("reject", _("Do not publish"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----


# (end of the records section)
