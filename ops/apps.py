from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations tooling: the load benchmark, the national-scale data generator, backup
    and restore. Nothing in the portal imports it; it may read every app."""

    name = "ops"
    verbose_name = "Operations"
