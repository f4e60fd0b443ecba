"""Reads that may lag go to a read replica; a person who has just written reads the primary
(core/dbrouter.py). Checked on a real streaming standby (pg_basebackup) whose replay is
paused: a read that must see a write fails here if it goes to the standby."""

import re
import time

import pytest
import requests
from django.db import transaction

from core import dbrouter
from ops.pgcluster import PostgresCluster, StandbyCluster, postgres_bin
from tests.support.services import DEMO_CLUSTER, Portal, give_over_http

pytestmark = pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL's server programs are not installed")

CACHE_SECONDS = 1


@pytest.fixture(scope="module")
def replicated(tmp_path_factory, demo_cluster):
    tmp = tmp_path_factory.mktemp("replica")
    primary = PostgresCluster().create(copy_of=demo_cluster)  # migrated and seeded (conftest.py)
    standby = portal = None
    try:
        portal = Portal(
            database_url=primary.url,
            log=tmp / "gunicorn.log",
            REPLICA_STICKY_SECONDS="60",
            REPLICA_CACHE_SECONDS=str(CACHE_SECONDS),
            MEDIA_ROOT=str(DEMO_CLUSTER.media),  # the demo's uploads
        )
        standby = StandbyCluster(primary).create()
        portal.env["DATABASE_REPLICA_URL"] = standby.url
        portal.start()
        yield primary, standby, portal
    finally:
        if portal is not None:
            portal.stop()
        if standby is not None:
            standby.destroy()
        primary.destroy()


def _open_need(primary) -> int:
    return int(
        primary.query(
            "SELECT id FROM needs_need WHERE status = 'verified' "
            "AND amount_requested - amount_pledged >= 100000 ORDER BY id LIMIT 1"
        )
    )


def _pledged(session: requests.Session, portal, need_id: int) -> int:
    response = session.get(f"{portal.base_url}/api/v1/needs/{need_id}", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["amount_pledged"]


def test_lagging_reads_go_to_the_replica_and_a_donor_reads_their_own_gift_from_the_primary(replicated):
    primary, standby, portal = replicated
    need_id = _open_need(primary)
    standby.catch_up()
    anyone, donor = requests.Session(), requests.Session()
    before = _pledged(anyone, portal, need_id)

    standby.pause_replay()
    try:
        given = give_over_http(donor, portal.base_url, need_id, "lo.van.tuoi@example.vn", 150_000)
        assert given.status_code == 302, given.text[-2000:]
        assert "primary_until" in donor.cookies
        written = int(primary.query(f"SELECT amount_pledged FROM needs_need WHERE id = {need_id}"))  # noqa: S608
        assert written == before + 150_000

        # Anyone else reads the open-data API from the standby, which has not replayed it.
        assert _pledged(anyone, portal, need_id) == before
        # The donor, who has just written, reads the primary: their own gift is counted.
        assert _pledged(donor, portal, need_id) == written
        # Pages that must not lag never read the standby: the need's own page counts it.
        page = anyone.get(f"{portal.base_url}/needs/{need_id}/", timeout=30)
        assert page.status_code == 200
    finally:
        standby.resume_replay()
    standby.catch_up()
    time.sleep(CACHE_SECONDS + 0.5)  # a value read from the standby is kept this long at most
    assert _pledged(anyone, portal, need_id) == written


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def _pledged_in_area(officer: requests.Session, portal) -> int:
    """The dashboard's export by category: money pledged in the officer's province."""
    export = officer.get(f"{portal.base_url}/dashboard/export/categories.csv", timeout=30)
    assert export.status_code == 200, export.text[-2000:]
    lines = export.content.decode("utf-8-sig").splitlines()[1:]
    return sum(int(line.split(",")[4]) for line in lines if line)


def test_the_dashboard_reads_the_replica_until_the_officer_writes(replicated):
    primary, standby, portal = replicated
    officer = requests.Session()
    login = f"{portal.base_url}/accounts/login/"
    signed_in = officer.post(
        login,
        data={"csrfmiddlewaretoken": _csrf(officer, login), "login": "province@demo.vn", "password": "demo12345"},
        headers={"Referer": login},
        timeout=30,
        allow_redirects=False,
    )
    assert signed_in.status_code == 302
    # Signing in is a write: for a while this browser reads the primary ...
    assert "primary_until" in officer.cookies
    officer.cookies.clear(domain="127.0.0.1", path="/", name="primary_until")  # ... and then that while is over
    office = primary.query(
        "SELECT m.office_id FROM schools_membership m JOIN accounts_user u ON u.id = m.user_id "
        "WHERE u.email = 'province@demo.vn' AND m.role = 'officer' ORDER BY m.id LIMIT 1"
    )
    need_id = _open_need(primary)
    standby.catch_up()
    before = _pledged_in_area(officer, portal)

    standby.pause_replay()
    try:
        assert (
            give_over_http(requests.Session(), portal.base_url, need_id, "lo.van.tuoi@example.vn", 200_000).status_code
            == 302
        )
        # The officer's dashboard reads the standby: the gift is not there yet.
        assert _pledged_in_area(officer, portal) == before
        # The officer changes a setting (a write): from now on the dashboard is read from
        # the primary for this officer, and shows the gift.
        digests = f"{portal.base_url}/dashboard/digests/"
        saved = officer.post(
            digests,
            data={"csrfmiddlewaretoken": _csrf(officer, digests), "office": office, "frequency": "daily"},
            headers={"Referer": digests},
            timeout=30,
            allow_redirects=False,
        )
        assert saved.status_code == 302
        assert _pledged_in_area(officer, portal) == before + 200_000
    finally:
        standby.resume_replay()


def test_reads_inside_a_transaction_or_outside_a_marked_block_stay_on_the_primary(monkeypatch, transactional_db):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    assert dbrouter.read_alias() == "default"
    with dbrouter.replica_reads():
        assert dbrouter.read_alias() == "replica"
        with transaction.atomic():
            # A claim, an outbox row, anything read to decide a write.
            assert dbrouter.read_alias() == "default"
        assert dbrouter.ReplicaRouter().db_for_write(None) == "default"
    assert dbrouter.read_alias() == "default"
