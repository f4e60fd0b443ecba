from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .formatting import format_number
from .money import parse_vnd


class PortalFormRenderer(TemplatesSetting):
    """Every form and field renders through our Bootstrap templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class MoneyInput(forms.TextInput):
    """A text box for an amount in đồng: static/js/money.js finds it by `data-money` and
    shows the amount back, formatted and in words, as it is typed; its messages travel
    in data attributes (translated here), so the script holds no text of its own."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # No autocomplete="off": Chromium would not give the typed amount back when the
        # donor returns to the form (after a 503, say), as it does every other field.
        self.attrs.setdefault("inputmode", "decimal")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-money"] = ""
        widget_attrs["data-money-invalid"] = _("Type the amount as 1.250.000, 500k or 1,5 triệu.")
        # %(figure)s and %(amount)s are filled by the script: "1,5" and "1.500.000 ₫".
        widget_attrs["data-money-decimal"] = _("Đồng have no decimals. Did you mean %(figure)s triệu = %(amount)s?")
        widget_attrs["data-money-fraction"] = _("This leaves part of a đồng: an amount is whole đồng.")
        return context


class VndField(forms.IntegerField):
    """Whole đồng as people type them, read by core.money.parse_vnd (its docstring holds
    the rules): "1.250.000", "1 250 000", "1.250.000 ₫", "1,25 triệu", "1.25tr", "500k",
    "2 tỷ". Django's own IntegerField reads "300.000" as 300 and refuses "1.250.000" with
    "Enter a whole number". Shown back as "1.250.000". Every money field of the portal is
    one of these (see docs/architecture.md)."""

    widget = MoneyInput

    def widget_attrs(self, widget):
        # No min/max/step attributes on a text box: the browser would not take "5.000.000".
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        return parse_vnd(str(value))

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_number(value)
        return value
