"""Full-text indexes for the search boxes on PostgreSQL (config.text.search_filter).

Vietnamese syllables are short ("an", "ve", "xi"): a trigram index cannot answer
LIKE '%an%', and a substring also matches inside other words ("an" in "ban"). Searching
whole folded words with `to_tsvector('simple', search_text)` is both faster and closer to
what a visitor means. The trigram indexes of 0004 stay for any substring query.
Built CONCURRENTLY, so a deploy does not lock the tables; nothing on SQLite.
"""

from django.db import migrations

INDEXES = [
    ("needs_need_search_fts", "needs_need"),
    ("schools_school_search_fts", "schools_school"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("needs", "0005_funding_rank"),
        ("schools", "0003_list_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
