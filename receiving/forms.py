"""Forms of the Circular 16 records."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import VndField
from documents.forms import IssueForm

from .models import ReceivingTeam, SettlementReport, TeamMember, UsagePlan, UsagePlanLine
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
        # The model's check constraint would refuse 0 only as a line-wide error; say it at the field.
        self.fields["quantity"].min_value = 1
        self.fields["quantity"].validators.append(MinValueValidator(1))


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


# Receipt records and settlement reports (records.py, settlements.py)


MAX_VND = 100_000_000_000


class ReceiptRecordForm(IssueForm):
    """Issuing a gift's receipt record: who signs for the school, the value received
    (what arrived, no more, no less), and the giving side's representative."""

    amount = VndField(label=_("Value received (VND)"), min_value=1, max_value=MAX_VND)
    giver_representative = forms.CharField(label=_("Sponsor represented by"), max_length=120, required=False)
    giver_position = forms.CharField(label=_("Their position"), max_length=120, required=False)
    giver_address = forms.CharField(label=_("Sponsor's address"), max_length=300, required=False)

    field_order = ["amount", "giver_representative", "giver_position", "giver_address", "signer"]


class SettlementForm(forms.Form):
    spent_total = VndField(
        label=_("Total spent (VND)"),
        min_value=0,
        max_value=MAX_VND,
        help_text=_("The sum of the lines below."),
    )
    remainder = forms.ChoiceField(label=_("What happens to the difference"), choices=SettlementReport.Remainder.choices)
    remainder_note = forms.CharField(
        label=_("About the difference"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How much, to whom or from where, and when; needed when there is a difference."),
    )


class SettlementLineForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    unit = forms.CharField(label=_("Unit"), max_length=30)
    unit_cost = VndField(label=_("Unit cost (VND)"), min_value=0, max_value=MAX_VND)
    amount = VndField(label=_("Amount (VND)"), min_value=0, max_value=MAX_VND)
    supplier = forms.CharField(label=_("Supplier or voucher"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        quantity, unit_cost, amount = (cleaned.get(name) for name in ("quantity", "unit_cost", "amount"))
        if None not in (quantity, unit_cost, amount) and quantity * unit_cost != amount:
            from core.formatting import format_vnd

            self.add_error(
                "amount",
                _("This line does not add up: %(quantity)s × %(unit_cost)s is %(expected)s, not %(amount)s.")
                % {
                    "quantity": quantity,
                    "unit_cost": format_vnd(unit_cost),
                    "expected": format_vnd(quantity * unit_cost),
                    "amount": format_vnd(amount),
                },
            )
        return cleaned


SettlementLineFormSet = forms.formset_factory(
    SettlementLineForm, extra=2, can_delete=True, max_num=200, validate_max=True, min_num=1, validate_min=True
)
