from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    """This page in another language: /needs/?q=… becomes /en/needs/?q=… and back."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    return translate_url(path, code)
