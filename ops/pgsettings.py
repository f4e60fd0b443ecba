"""The PostgreSQL settings a production database of the portal should run with.

PostgreSQL's own defaults are sized for a machine of the 1990s (128 MB of shared buffers,
4 MB of work memory, random reads priced as on a spinning disk). `production_settings`
sizes them for the machine the database runs on, by the usual rules (PostgreSQL's
manual, "Resource Consumption" and "Query Planning"); `manage.py pg_settings` prints
them as a postgresql.conf fragment for an administrator, and the benchmark's own cluster
(`manage.py bench_database`, ops/pgcluster.py) runs with them, so the figures in
docs/performance.md are those of a configured server. docs/performance.md §6 says why
each one is set.

Durability is never traded for speed: fsync, full_page_writes and synchronous_commit
keep their defaults, as a pledge acknowledged to a donor must survive a power cut.
"""

import os

MB = 1024 * 1024
GB = 1024 * MB


def machine_memory() -> int:
    """This machine's memory in bytes (the sizes below are shares of it)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def machine_cores() -> int:
    return os.cpu_count() or 1


def _size(value: int) -> str:
    """PostgreSQL's unit syntax, rounded down to whole megabytes (or gigabytes)."""
    if value >= GB and value % GB == 0:
        return f"{value // GB}GB"
    return f"{max(1, value // MB)}MB"


def production_settings(memory: int | None = None, cores: int | None = None, *, shared_machine: bool = False) -> dict:
    """Settings for a server with `memory` bytes and `cores` cores. `shared_machine`: the
    database shares the machine with the web and worker processes (a single-machine
    install, the benchmark), so it takes a smaller share of the memory."""
    memory = memory or machine_memory()
    cores = cores or machine_cores()
    share = 0.5 if shared_machine else 1.0
    usable = int(memory * share)
    return {
        # Memory: a quarter of what the database may use for its own cache (capped where
        # larger buffers stop paying), the rest left to the kernel's page cache, which
        # the planner is told about.
        "shared_buffers": _size(min(usable // 4, 8 * GB)),
        "effective_cache_size": _size(usable * 3 // 4),
        # Sorts and hashes per operation: the dashboards' GROUP BYs over a province and
        # the digests' grouped queries stay in memory. max_connections × a few of them
        # must fit, so this stays modest.
        "work_mem": _size(max(4 * MB, min(64 * MB, usable // 512))),
        "maintenance_work_mem": _size(min(usable // 16, 1 * GB)),
        # A web process keeps one connection (CONN_MAX_AGE); workers one each. 100 is far
        # above what the gunicorn and Celery processes of one machine open.
        "max_connections": "100",
        # Solid-state storage: a random read costs about what a sequential one does, and
        # the device serves many at once.
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
        # Write-ahead log: fewer, spread checkpoints under the evening's pledges, and
        # compressed full-page images.
        "wal_buffers": "16MB",
        "min_wal_size": "1GB",
        "max_wal_size": "4GB",
        "checkpoint_completion_target": "0.9",
        "wal_compression": "on",
        # Parallel query helps the nightly and monthly reports, not the short web queries.
        "max_worker_processes": str(max(2, cores)),
        "max_parallel_workers": str(max(2, cores)),
        "max_parallel_workers_per_gather": str(max(1, cores // 2)),
        "max_parallel_maintenance_workers": str(max(1, cores // 2)),
        # JIT compiles a plan for queries it guesses are expensive; the portal's queries
        # are short and the compilation costs more than it saves (tens of ms).
        "jit": "off",
        # Better estimates for skewed columns (a province's share of the needs, status).
        "default_statistics_target": "200",
        # A forgotten transaction must not hold locks or stop VACUUM.
        "idle_in_transaction_session_timeout": "60s",
        # What the administrator needs to find a slow query: statement statistics, time
        # spent reading, and a log line for any statement over half a second.
        "shared_preload_libraries": "'pg_stat_statements'",
        "pg_stat_statements.track": "top",
        "track_io_timing": "on",
        "log_min_duration_statement": "500ms",
        "log_checkpoints": "on",
        "log_lock_waits": "on",
        "log_temp_files": "0",
    }


def render(settings: dict) -> str:
    """A postgresql.conf fragment."""
    return "".join(f"{name} = {value}\n" for name, value in settings.items())
