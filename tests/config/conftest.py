import pytest

from ops.pgcluster import postgres_bin
from tests.support.services import DEMO_CLUSTER


@pytest.fixture(scope="session")
def demo_cluster():
    """A throwaway PostgreSQL cluster, migrated and seeded with the demo once a session, then
    stopped (tests/support/services.py `DemoCluster`, built in the background from the start
    of the session): the fault tests (test_faults.py) and the replica tests (test_replica.py)
    each start a copy of its files (`PostgresCluster().create(copy_of=...)`), so they can stop
    it, write to it or stream it to a standby without touching each other, and the session
    migrates and seeds one cluster instead of two. The portals started on the copies read the
    demo's uploads from `DEMO_CLUSTER.media`."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL's server programs are not installed")
    return DEMO_CLUSTER.ready()
