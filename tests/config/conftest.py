import pytest

from tests.support.services import Portal, PostgresCluster, postgres_bin


@pytest.fixture(scope="session")
def demo_cluster(tmp_path_factory):
    """A throwaway PostgreSQL cluster, migrated and seeded with the demo (seed_demo) by the
    portal's own commands once a session, then stopped: the fault tests (test_faults.py)
    and the replica tests (test_replica.py) each start a copy of its files
    (`PostgresCluster().create(copy_of=...)`), so they can stop it, write to it or stream
    it to a standby without touching each other, and the session migrates and seeds one
    cluster instead of two. The demo's uploads go to the run's MEDIA_ROOT (tests/conftest.py),
    as the portals started on the copies read them."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL's server programs are not installed")
    cluster = PostgresCluster().create()
    try:
        portal = Portal(database_url=cluster.url, log=tmp_path_factory.mktemp("demo-cluster") / "portal.log")
        portal.manage("migrate", "--noinput", "-v0")
        portal.manage("seed_demo", "--allow-production")
        cluster.stop()
        yield cluster
    finally:
        cluster.destroy()
