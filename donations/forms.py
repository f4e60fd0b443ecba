from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone
from core.fields import SingleLineFormField
from core.forms import VndField
from needs.models import Need

from .models import AllocationPlan, BankAccount, DonorProfile, Fund, Pledge, Sponsorship, StatementColumnMap
from .services import DonorDetails

MAX_PLEDGE = 10_000_000_000


def gift_amount(label) -> VndField:
    """The amount of a gift, typed "5.000.000": from 1.000 ₫ to MAX_PLEDGE."""
    return VndField(
        label=label,
        min_value=1000,
        max_value=MAX_PLEDGE,
        help_text=_("For example 5.000.000."),
        error_messages={
            "min_value": _("The smallest gift is 1.000 ₫."),
            "max_value": _("This amount is too large; please check it."),
        },
    )


class DonorForm(forms.Form):
    """Who gives, the same on every giving form (templates/donations/_donor_fields.html),
    and the form's one-time token against a double submission."""

    message = forms.CharField(
        label=_("A message to the school"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    anonymous = forms.BooleanField(label=_("Do not show my name publicly"), required=False)
    name = SingleLineFormField(label=_("Your name, or your organisation's"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), help_text=_("Payment details and updates are sent here."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def donor(self, user) -> DonorDetails:
        """Who gives, for the service: the typed name and addresses, and the account if
        they are signed in."""
        data = self.cleaned_data
        return DonorDetails(name=data["name"], email=data["email"], phone=data["phone"], user=user)


class PledgeForm(DonorForm):
    kind = forms.ChoiceField(
        label=_("I give"), choices=Pledge.Kind.choices, initial=Pledge.Kind.MONEY, widget=forms.RadioSelect
    )
    amount = gift_amount(_("Amount, or the estimated value of the goods (VND)"))
    goods_description = forms.CharField(
        label=_("Which goods"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For goods: what, how many, and when you can bring or send them."),
    )

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.need = need

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Pledge.Kind.GOODS and not cleaned.get("goods_description", "").strip():
            self.add_error("goods_description", _("Say which goods you will give."))
        return cleaned


class ReceiptForm(forms.Form):
    amount = VndField(
        label=_("Amount or value actually received (VND)"),
        min_value=1,
        max_value=MAX_PLEDGE,
    )
    # A date input takes ISO dates whatever the language; the browser shows them locally.
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class StatementForm(forms.Form):
    bank = forms.ChoiceField(
        label=_("Bank"),
        required=False,
        choices=[("", _("Other bank (common column names)")), *StatementColumnMap.Bank.choices],
        help_text=_("The bank whose export this is: its columns are read as the mapping below says."),
    )
    file = forms.FileField(
        label=_("Bank statement (CSV or Excel)"),
        help_text=_("The bank's export of credits, with date, amount and description columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.STATEMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": settings.STATEMENT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm", ".txt")):
            raise forms.ValidationError(_("Send a .csv or .xlsx file."))
        return upload


class ColumnMapForm(forms.Form):
    """The header names of one bank's statement, several to a column separated by ";"."""

    date_column = forms.CharField(label=_("Transaction date column"), max_length=300)
    amount_column = forms.CharField(label=_("Credit amount column"), max_length=300)
    description_column = forms.CharField(label=_("Description column"), max_length=300)
    reference_column = forms.CharField(label=_("Bank reference column"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        for field in ("date_column", "amount_column", "description_column"):
            if field in cleaned and not [n for n in cleaned[field].split(";") if n.strip()]:
                self.add_error(field, _("Give at least one column name."))
        return cleaned


class LineMatchForm(forms.Form):
    pledge = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (why this pledge)"), max_length=500, required=False)


class LineUnmatchForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this match wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DonorProfileForm(forms.ModelForm):
    class Meta:
        model = DonorProfile
        fields = ["kind", "name", "tax_code", "display_name", "anonymous_by_default"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") in (DonorProfile.Kind.ORGANISATION, DonorProfile.Kind.BUSINESS)
            and not cleaned.get("tax_code", "").strip()
        ):
            self.add_error("tax_code", _("Organisations and businesses give their tax code, for the receipts."))
        tax_code = (cleaned.get("tax_code") or "").replace("-", "")
        # ASCII digits: str.isdigit() also takes "５６…" and "٥٦…", which no receipt can carry.
        if tax_code and not (tax_code.isascii() and tax_code.isdigit() and len(tax_code) in (10, 13)):
            self.add_error("tax_code", _("A tax code has 10 digits, or 13 with a branch number."))
        return cleaned


class BankAccountForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ["bank_bin", "bank_name", "account_number", "account_holder"]
        help_texts = {"bank_bin": _("The bank's six-digit NAPAS code, printed in its VietQR documentation.")}

    # The model's \d also matches full-width and other scripts' digits ("９７０４０５"),
    # which the VietQR payload (ASCII) and the banks cannot take.
    def clean_bank_bin(self):
        bank_bin = self.cleaned_data["bank_bin"]
        if not bank_bin.isascii():
            raise forms.ValidationError(_("Six digits, e.g. 970405."))
        return bank_bin

    def clean_account_number(self):
        account_number = self.cleaned_data["account_number"]
        if not account_number.isascii():
            raise forms.ValidationError(_("Digits only."))
        return account_number


class PaymentRouteForm(forms.Form):
    account = forms.ModelChoiceField(
        label=_("Gifts for this school go to"),
        queryset=BankAccount.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


# --- Programme funds ------------------------------------------------------------------


class FundGiftForm(DonorForm):
    """A gift of money to a programme fund: as PledgeForm, money only."""

    amount = gift_amount(_("Amount (VND)"))
    message = forms.CharField(
        label=_("A message to the office"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FundForm(forms.ModelForm):
    """A fund's name, address, purpose and whether it takes gifts; its office is chosen
    among the offices the officer keeps funds for (`offices`), when there are several."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=None, empty_label=None)

    class Meta:
        model = Fund
        fields = ["office", "name", "slug", "description", "is_open"]
        help_texts = {"slug": _("Letters, digits and hyphens: the fund's page is /donations/funds/&lt;address&gt;/.")}

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if self.instance.pk:
            # A fund stays with its office: its money was given to that office.
            self.fields["office"].disabled = True
            self.fields["office"].queryset = offices.model.objects.filter(pk=self.instance.office_id)


class SponsorshipForm(DonorForm):
    """Sponsor pupils' lunches on a lunch need (donations.sponsorships): so many pupils
    for the rest of the school year, or for chosen months; paid at once or month by month."""

    YEAR, MONTHS = "year", "months"

    pupils = forms.IntegerField(
        label=_("Pupils"),
        min_value=1,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        error_messages={"min_value": _("Sponsor at least one pupil.")},
    )
    span = forms.ChoiceField(
        label=_("For"),
        choices=[(YEAR, _("the whole school year (the months left)")), (MONTHS, _("chosen months"))],
        initial=YEAR,
        widget=forms.RadioSelect,
    )
    first_month = forms.TypedChoiceField(label=_("From"), required=False, choices=[])
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"min": 1, "max": 12, "inputmode": "numeric"}),
        error_messages={
            "min_value": _("Sponsor at least one month."),
            "max_value": _("A school year has at most 12 months."),
        },
    )
    schedule = forms.ChoiceField(
        label=_("I pay"),
        choices=Sponsorship.Schedule.choices,
        initial=Sponsorship.Schedule.MONTHLY,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label=_("E-mail"), help_text=_("Each month's payment details are sent here."))

    def __init__(self, *args, months_left, **kwargs):
        super().__init__(*args, **kwargs)
        self.months_left = months_left
        self.fields["first_month"].choices = [(m.isoformat(), f"{m:%m/%Y}") for m in months_left]
        self.fields["first_month"].coerce = lambda value: date.fromisoformat(value)
        self.fields["months"].widget.attrs["max"] = len(months_left) or 1

    def clean(self):
        cleaned = super().clean()
        if not self.months_left:
            raise forms.ValidationError(_("This school year is over: no month is left to sponsor."))
        if cleaned.get("span") == self.YEAR:
            cleaned["first_month"], cleaned["months"] = self.months_left[0], len(self.months_left)
        else:
            if not cleaned.get("first_month") and "first_month" not in self.errors:
                self.add_error("first_month", _("Choose the first month to sponsor."))
            if cleaned.get("months") is None and "months" not in self.errors:
                self.add_error("months", _("How many months?"))
        return cleaned


# --- allocation plans (donations.allocations) --------------------------------------------


def positive_vnd(**kwargs) -> VndField:
    """An amount of a plan's line: whole đồng, more than 0."""
    return VndField(
        min_value=1,
        error_messages={"min_value": _("The amount must be more than 0 ₫.")},
        **kwargs,
    )


class PlanForm(forms.ModelForm):
    class Meta:
        model = AllocationPlan
        fields = ["title", "reason"]
        labels = {"reason": _("Grounds (Căn cứ …), one per line")}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class AllocationLineForm(forms.Form):
    """A line of a draft plan: a need among those the fund may place money on, and an
    amount; the rules (donations.allocations) answer by the field they concern."""

    need = forms.ModelChoiceField(label=_("Need"), queryset=Need.objects.none(), empty_label=_("Choose a need"))
    amount = positive_vnd(label=_("Amount (VND)"), help_text=_("E.g. 1.500.000"))

    def __init__(self, *args, fund, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.formatting import format_vnd

        from .selectors import needs_open_to

        self.fund, self.plan = fund, plan
        # Any need is looked up, so a need that is not on the list gets the rule's reason,
        # not "select a valid choice"; the list offers the open ones.
        self.fields["need"].queryset = Need.objects.select_related("school")
        self.fields["need"].choices = [("", _("Choose a need"))] + [
            (
                need.pk,
                _("%(school)s – %(need)s (lacks %(missing)s)")
                % {"school": need.school.name, "need": need.title, "missing": format_vnd(need.amount_missing)},
            )
            for need in needs_open_to(fund)
        ]

    def clean(self):
        from .allocations import amount_problem, need_problem

        cleaned = super().clean()
        need, amount = cleaned.get("need"), cleaned.get("amount")
        if need is not None:
            problem = need_problem(self.fund, need)
            if not problem and self.plan is not None and self.plan.lines.filter(need=need).exists():
                problem = _("This need already has a line in the plan: change its amount instead.")
            if problem:
                self.add_error("need", problem)
            elif amount is not None:
                problem = amount_problem(need, amount)
                if problem:
                    self.add_error("amount", problem)
        return cleaned


class LineAmountForm(forms.Form):
    amount = positive_vnd(label=_("Amount (VND)"))


class ReversalForm(forms.Form):
    lines = forms.ModelMultipleChoiceField(
        label=_("Lines to take back"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Why the allocation is taken back"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from core.formatting import format_vnd

        from .models import AllocationLine

        lines = AllocationLine.objects.filter(plan=plan).select_related("need__school", "pledge").order_by("pk")
        self.fields["lines"].queryset = lines
        self.fields["lines"].label_from_instance = lambda line: (
            _("%(school)s – %(need)s: %(amount)s")
            % {
                "school": line.need.school.name,
                "need": line.need.title,
                "amount": format_vnd(line.amount),
            }
        )


class LedgerSearchForm(forms.Form):
    """The transparency page's search of the ledger: a donor checks that their gift arrived."""

    q = forms.CharField(
        label=_("Find a gift that arrived"),
        max_length=100,
        required=False,
        help_text=_("The reference of the transfer (e.g. DU4K7M2P), the amount (e.g. 1.250.000) or the public name."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
