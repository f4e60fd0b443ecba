"""Circular 16 records: forms."""

# ---- The receiving team, usage plans and their comments (teams.py, plans.py) ----


# (end of the team and plan section)
#
#
#
#
# ---- Receipt records and settlement reports (records.py, settlements.py) ----

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import VndField
from documents.forms import IssueForm

from .models import SettlementReport

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


# (end of the records section)
