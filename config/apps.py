from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide pieces: home page, error pages, template tags, formats."""

    name = "config"
    verbose_name = "Portal"

    def ready(self):
        from . import invalidation

        invalidation.connect()
