"""Trigram indexes for accent-insensitive search on PostgreSQL.

`search_text` holds the folded text (no diacritics, lower case), and the browse and
school-list searches filter it with LIKE '%term%' (Django's `contains`). A GIN index with
pg_trgm's operator class answers those without reading every row. SQLite, the embedded
default, has no such index and needs none at its size. Built CONCURRENTLY so a deploy on a
live database does not lock the tables.
"""

from django.db import migrations

INDEXES = [
    ("needs_need_search_trgm", "needs_need"),
    ("schools_school_search_trgm", "schools_school"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("needs", "0003_browse_indexes"),
        ("schools", "0002_boarding_labels"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
