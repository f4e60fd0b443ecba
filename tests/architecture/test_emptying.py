"""The quick emptying of the test database (tests/support/emptying.py) gives what Django's
TRUNCATE gave: every table empty, then post_migrate's rows. It relies on the schema having
no trigger or rule a DELETE would run, and on deferrable foreign keys."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from tests.support.emptying import tables_with_rows

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue")


@pytest.mark.django_db
def test_no_trigger_or_rule_runs_on_delete_and_every_foreign_key_is_deferrable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        assert cursor.fetchall() == []
        cursor.execute("SELECT tablename, rulename FROM pg_rules WHERE schemaname = current_schema()")
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND NOT condeferrable"
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_leaves_every_table_empty_but_post_migrates_rows(area, pledges):
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    full = set(tables_with_rows(connection, tables))
    assert {"schools_school", "accounts_user", "donations_pledge", "needs_need"} <= full

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False)

    assert set(tables_with_rows(connection, tables)) == {"django_content_type", "auth_permission"}
    assert ContentType.objects.filter(app_label="needs", model="need").exists()
    assert Permission.objects.filter(codename="add_need").exists()


@pytest.mark.django_db(transaction=True)
def test_putting_the_demo_back_leaves_the_migrations_record_ahead(tmp_path):
    """A migration test between the demo's snapshot and its put-back records migrations
    with new ids; setting django_migrations' sequence back would hand those ids out again
    (the next migration test then fails on a duplicate key)."""
    from tests.support import demo

    snapshot = demo._take(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('django_migrations', 'id'))")
        ahead = cursor.fetchone()[0]
        demo._put_back(snapshot, tmp_path)
        cursor.execute("SELECT last_value FROM django_migrations_id_seq")
        assert cursor.fetchone()[0] == ahead
