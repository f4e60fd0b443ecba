from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import VndField
from donations.models import Fund

from .models import AgendaItem, BudgetLine, CommunicationActivity, Event, Invitation, Responsibility, Review, Task


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        # No number: issuing takes the next one of the lead office's register.
        fields = ["kind", "introduction", "assessment", "next_steps"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }


def offices_for(campaign):
    """Units that can take part: the offices of the campaign's province."""
    from django.db.models import Q

    from schools.models import Office

    province = campaign.scope if campaign.scope.level == "province" else campaign.scope.province
    return Office.objects.filter(Q(unit=province) | Q(unit__province=province)).order_by("name")


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "owner", "focal_point", "due_on", "status", "notes"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = offices_for(campaign)


class CommunicationForm(forms.ModelForm):
    # A link typed without a scheme is https.
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = CommunicationActivity
        fields = ["published_on", "channel", "title", "link", "office"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for(campaign)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "starts_at", "ends_at", "venue", "host", "expected_attendance", "notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = offices_for(campaign)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end is before the start."))
        return cleaned


AgendaFormSet = forms.inlineformset_factory(
    Event,
    AgendaItem,
    fields=["position", "starts_at", "title", "presenter"],
    extra=2,
    can_delete=True,
    widgets={"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")},
)


class InvitationForm(forms.ModelForm):
    # The database holds the rule too (campaigns_invitation_has_invitee); this says it
    # next to the field, in words.
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("office") and not (cleaned.get("guest") or "").strip() and "guest" not in self.errors:
            self.add_error("guest", _("Choose a unit or write the guest's name."))
        return cleaned


class BudgetLineForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As the database's campaigns_budgetline_amount, with Django's own message.
        self.fields["amount"].validators.append(MinValueValidator(0))


InvitationFormSet = forms.inlineformset_factory(
    Event, Invitation, form=InvitationForm, fields=["office", "guest", "people", "reply"], extra=2, can_delete=True
)
BudgetFormSet = forms.inlineformset_factory(
    Event,
    BudgetLine,
    form=BudgetLineForm,
    fk_name="event",
    fields=["description", "amount", "funding_source", "decision_number", "settled"],
    field_classes={"amount": VndField},
    extra=1,
    can_delete=True,
)


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["office", "role", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for(campaign)


class CampaignFundForm(forms.ModelForm):
    """A new programme fund of the campaign, held by one of `offices` (the campaign's
    offices the officer belongs to)."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=None, empty_label=None)

    class Meta:
        model = Fund
        fields = ["office", "name", "slug", "description", "is_open"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": _("Letters, digits and hyphens: the fund's page is /donations/funds/&lt;address&gt;/.")}

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
