from django import forms, template

register = template.Library()

_CHECK_WIDGETS = (forms.CheckboxInput,)
_MULTI_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
_SELECT_WIDGETS = (forms.Select, forms.SelectMultiple)


def widget_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, _CHECK_WIDGETS):
        return "check"
    if isinstance(widget, _MULTI_WIDGETS):
        return "multi"
    if isinstance(widget, _SELECT_WIDGETS):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def widget_kind_of(field):
    return widget_kind(field)


@register.filter
def bs_widget(field):
    """Render a bound field's widget with Bootstrap classes and accessible error state."""
    kind = widget_kind(field)
    css = {"check": "form-check-input", "select": "form-select", "multi": "", "file": "form-control"}.get(
        kind, "form-control"
    )
    existing = field.field.widget.attrs.get("class", "")
    attrs = {}
    classes = " ".join(c for c in (css, existing) if c)
    if field.errors:
        classes += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    if classes:
        attrs["class"] = classes.strip()
    return field.as_widget(attrs=attrs)
