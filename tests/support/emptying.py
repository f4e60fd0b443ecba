"""Emptying the test database quickly, for the transactional tests' teardown and the demo's
put-back (tests/support/demo.py).

Django empties the database after each transactional test (`flush`, TRUNCATE of every table:
138 of them) and puts the post_migrate rows back. A TRUNCATE costs per table, rows or not:
a second or more each time on the suite's PostgreSQL, while such a test leaves rows in a few
dozen tables. Here the tables that hold a row are found in one query and only those are
emptied, with DELETE (cheap for test-sized tables), in one transaction: Django's foreign
keys are DEFERRABLE INITIALLY DEFERRED, checked at its end, when every table holding a row
has been emptied. The result is the same as the TRUNCATE's: every table empty, sequences
left as they were (Django's flush does not reset them either), then post_migrate's rows as
before. The schema has no triggers or rules that a DELETE would run and a TRUNCATE not
(tests/architecture/test_test_speedups.py checks that, and that the tables end empty)."""

from django.core.management.commands import flush as flush_command


def tables_with_rows(connection, tables) -> list[str]:
    if not tables:
        return []
    quote = connection.ops.quote_name
    probe = " UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables)  # noqa: S608 (catalogue names)
    with connection.cursor() as cursor:
        cursor.execute(probe, list(tables))
        return [row[0] for row in cursor.fetchall()]


def delete_sql(connection, tables) -> list[str]:
    """DELETE statements for the tables among `tables` that hold a row."""
    quote = connection.ops.quote_name
    return [f"DELETE FROM {quote(table)}" for table in tables_with_rows(connection, tables)]  # noqa: S608


_django_sql_flush = flush_command.sql_flush


def _sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
    if connection.vendor != "postgresql" or reset_sequences:
        return _django_sql_flush(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    # Never an empty list: flush sends post_migrate only after some SQL ran, as after a TRUNCATE.
    return delete_sql(connection, tables) or [f"DELETE FROM {connection.ops.quote_name(tables[0])}"]  # noqa: S608


def install() -> None:
    """`manage.py flush` in this process (the transactional tests' teardown) empties only
    the tables that hold rows (see above)."""
    flush_command.sql_flush = _sql_flush
