"""Full-text search for the search boxes on PostgreSQL (core.text.search_filter).

Vietnamese syllables are short ("an", "ve", "xi"): a trigram index cannot answer
LIKE '%an%', and a substring also matches inside other words ("an" in "ban"). Whole
folded words are both faster to find and closer to what a visitor means.

`search_vector` is a stored generated column, `to_tsvector('simple', search_text)`, kept
by the database whatever writes `search_text`; a GIN index answers rare words, and for
common ones the planner walks a sorted index and tests each row's stored vector, which is
cheap (recomputing to_tsvector per row is not). The column exists on PostgreSQL only: the
models do not declare it, and SQLite, the embedded default, searches by substring.
Indexes are built CONCURRENTLY, so a deploy does not lock the tables.
"""

from django.db import migrations

TABLES = ["needs_need", "schools_school"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table}_search_fts ON {table} USING gin (search_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table}_search_fts")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("needs", "0005_funding_rank"),
        ("schools", "0003_list_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
