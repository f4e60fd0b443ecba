"""The names of the portal's URLs, walked from the root URLconf."""

from django.urls import URLPattern, URLResolver, get_resolver


def url_names(patterns=None, namespace=""):
    """Every named URL, namespaced as reverse() wants it ("needs:detail", "home")."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name
