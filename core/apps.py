from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure at the bottom of the portal: caching, listing, rate limits,
    middleware, media serving, text folding, formatting, forms, exports, documents, and
    the pages that belong to no app (home, privacy, health, errors). It imports no other
    app of the project outside its views."""

    name = "core"
    verbose_name = "Portal"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401
        from .text import register_sql_fold

        # SQLite has no translate(): `core.text.Folded` calls Python's fold there.
        connection_created.connect(register_sql_fold, dispatch_uid="core-sql-fold")
