from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form and field renders through our Bootstrap templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
