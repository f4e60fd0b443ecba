"""The production settings of PostgreSQL (ops/pgsettings.py): sized from the machine, and
really in force in a cluster that is given them (the benchmark's own, `bench_database`)."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from ops.pgcluster import PostgresCluster, postgres_bin
from ops.pgsettings import GB, production_settings, render


def test_memory_settings_are_shares_of_the_machine():
    own = production_settings(memory=32 * GB, cores=8)
    assert own["shared_buffers"] == "8GB"
    assert own["effective_cache_size"] == "24GB"
    assert own["maintenance_work_mem"] == "1GB"
    assert own["work_mem"] == "64MB"
    assert own["max_parallel_workers_per_gather"] == "4"
    # Sharing the machine with the web and worker processes: half of it.
    shared = production_settings(memory=32 * GB, cores=8, shared_machine=True)
    assert shared["shared_buffers"] == "4GB"
    assert shared["effective_cache_size"] == "12GB"
    # Larger buffers stop paying: capped; a small machine keeps PostgreSQL's floor for work_mem.
    assert production_settings(memory=256 * GB, cores=32)["shared_buffers"] == "8GB"
    assert production_settings(memory=1 * GB, cores=1)["work_mem"] == "4MB"


def test_durability_is_never_traded_for_speed():
    text = render(production_settings(memory=16 * GB, cores=4))
    for name in ("fsync", "synchronous_commit", "full_page_writes"):
        assert name not in text
    assert "jit = off\n" in text


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL's server programs are not installed")
def test_a_cluster_given_the_settings_runs_with_them(capsys):
    # Not pytest's tmp_path: the cluster runs as the postgres user, who cannot enter it.
    folder = Path(tempfile.mkdtemp(prefix="portal-pg-", dir="/tmp"))
    call_command("bench_database", "start", "--folder", str(folder), "--port", "0")
    url = capsys.readouterr().out.strip()
    cluster = PostgresCluster(folder=folder, port=int(url.split(":")[-1].split("/")[0]))
    try:
        assert cluster.created and cluster.running
        expected = production_settings(shared_machine=True)
        assert cluster.query("SHOW shared_buffers") == expected["shared_buffers"]
        assert cluster.query("SHOW jit") == "off"
        assert cluster.query("SHOW random_page_cost") == "1.1"
        assert cluster.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'") == "1"
        assert "include 'portal.conf'" in (cluster.data / "postgresql.conf").read_text()
    finally:
        call_command("bench_database", "destroy", "--folder", str(folder))
    assert not folder.exists()


def test_the_command_prints_a_fragment_for_the_server_named(capsys):
    call_command("pg_settings", "--memory-gb", "64", "--cores", "16")
    lines = capsys.readouterr().out.splitlines()
    assert "shared_buffers = 8GB" in lines
    assert "effective_cache_size = 48GB" in lines
    assert "max_parallel_workers = 16" in lines
    assert all(" = " in line for line in lines)
