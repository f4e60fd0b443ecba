"""Migrating the test database back to an old state and forward again, for the tests of a
migration that moves or fills existing rows (tests/needs/test_recorded_place_migration.py,
tests/oversight/test_models_moved.py).

Forward, Django's executor is used as `migrate` uses it. Backward, its executor first
computes the state before each migration to undo, replaying the whole plan from the first of
them with every model rendered: each migration, the many that stay applied included,
re-renders the models related to what it changes (through the user model, nearly all of
them); then undoing a migration replays its operations once more. Rendering the 143 models
at once takes a tenth of a second; a state of the plan is rendered here only when an
operation needs it. The states are computed unrendered (milliseconds), the migrations that
stay applied first (none of them depends on one to undo: what is undone is everything that
depends on the target's next migration), then each migration is undone by the executor
itself (its operations' `database_backwards` on the states it derives, the record removed),
from the state the database really has at that moment. The same operations run on the
database as with `migrate app name`; a third of the CPU time."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_back(targets):
    """Undo the migrations after `targets` (as `manage.py migrate app name`); returns the
    apps of the state then (historical models)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    assert plan and all(backwards for _migration, backwards in plan), plan
    graph = executor.loader.graph
    full_plan = executor.migration_plan(graph.leaf_nodes(), clean_start=True)
    applied = {graph.nodes[key] for key in executor.loader.applied_migrations if key in graph.nodes}
    to_undo = {migration for migration, _backwards in plan}
    state = executor._create_project_state()
    for migration, _forwards in full_plan:
        if migration in applied and migration not in to_undo:
            migration.mutate_state(state, preserve=False)
    kept = state.clone()  # undoing a migration changes the state it starts from
    before = {}
    for migration, _forwards in full_plan:
        if migration in to_undo:
            before[migration] = state
            state = migration.mutate_state(state, preserve=True)
    for migration, _backwards in plan:
        executor.unapply_migration(before[migration], migration)
    executor.check_replacements()
    return kept.apps


def migrate_forward():
    """Apply every migration not applied (as `manage.py migrate`)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
