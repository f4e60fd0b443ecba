import re

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(TemplatesSetting):
    """Every form and field renders through our Bootstrap templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class VndField(forms.IntegerField):
    """Whole đồng as people type them: "1.250.000", "1 250 000", "1250000", "1.250.000 ₫"
    or "1.250.000 đồng". A decimal part is refused: there are no xu. (Django's own
    IntegerField reads "300.000" as 300.) Shown back as "1.250.000"."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No autocomplete="off": Chromium would not give the typed amount back when the
        # donor returns to the form (after a 503, say), as it does every other field.
        self.widget.attrs.setdefault("inputmode", "numeric")

    def widget_attrs(self, widget):
        # No min/max/step attributes on a text box: the browser would not take "5.000.000".
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s.\u00a0\u202f]|₫|đồng|đ|vnđ|vnd|,00$", "", value.strip().lower())
            if value and not re.fullmatch(r"-?\d{1,15}", value):
                raise forms.ValidationError(_("Type a whole amount in đồng, e.g. 1.250.000."), code="invalid")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value
