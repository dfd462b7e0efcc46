"""The same 3-day backfill on CeleryExecutor (local Redis broker, Postgres metadata, two workers): one
worker is SIGKILLed in the middle of a load, the backfill still completes with exactly those days'
articles, and the same backfill again leaves identical rows."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.demo_site.server import RunningSite
from tests.e2e.airflow_cluster import (
    AirflowCluster,
    Timing,
    airflow_environment,
    celery_environment,
    free_port,
    started_cluster,
)
from tests.factories import BACKFILL_DAYS, expected_paths, loaded_paths, warehouse_rows


@pytest.fixture
def cluster(
    tmp_path: Path, metadata_url: str, clean_database: str, demo_site: RunningSite, redis_url: str
) -> Iterator[AirflowCluster]:
    port = free_port()
    env = airflow_environment(tmp_path, port, metadata_url, clean_database, demo_site.base_url)
    queue = f"newsetl_e2e_{uuid.uuid4().hex[:8]}"
    worker = ("celery", "worker", "--queues", queue, "--skip-serve-logs", "--without-mingle", "--without-gossip")
    yield from started_cluster(
        AirflowCluster(tmp_path, celery_environment(env, metadata_url, queue, redis_url), port),
        ("api-server", "api-server"),
        ("scheduler", "scheduler"),
        ("dag-processor", "dag-processor"),
        ("worker-1", *worker, "--celery-hostname", f"worker-1-{queue}@%h"),
        ("worker-2", *worker, "--celery-hostname", f"worker-2-{queue}@%h"),
    )


def wait_for_load_on(cluster: AirflowCluster, worker: str, timeout: float = 300) -> tuple[str, int]:
    """Wait until a ``load_source`` task instance runs in a process of ``worker``; its run id and map index."""
    loads: dict[str, tuple[str, int]] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = cluster.running_task_ids(worker)
        if running - loads.keys():
            loads |= {
                ti["id"]: (run["dag_run_id"], ti["map_index"])
                for run in cluster.api("GET", "/dags/news_etl/dagRuns", params={"limit": 100})["dag_runs"]
                for ti in cluster.task_instances(run["dag_run_id"])
                if ti["task_id"] == "load_source"
            }
        for ti_id in running & loads.keys():
            return loads[ti_id]
        time.sleep(0.2)
    raise AssertionError(f"no load_source ran on {worker} within {timeout:.0f} s\n{cluster.diagnostics()}")


@pytest.mark.slow
def test_celery_backfill_survives_a_killed_worker_with_the_same_rows(
    cluster: AirflowCluster, clean_database: str, demo_site: RunningSite
) -> None:
    timing = Timing()
    cluster.unpause("news_etl")

    backfill = cluster.create_backfill(BACKFILL_DAYS[0], BACKFILL_DAYS[-1])
    killed_task = wait_for_load_on(cluster, "worker-1")
    cluster.kill("worker-1")
    killed_at = timing.elapsed()
    runs = cluster.wait_for_backfill(backfill)
    print(f"worker-1 killed at {killed_at:.0f} s; first backfill done after {timing.elapsed():.0f} s")
    first = warehouse_rows(clean_database)

    assert sorted(run["logical_date"][:10] for run in runs) == [day.isoformat() for day in BACKFILL_DAYS]
    # The killed load was redelivered: it ended successful on a later try (the run may be the backfill's
    # or the nightly run that unpausing started), and no load of any run failed.
    loads = [
        ti
        for run in cluster.api("GET", "/dags/news_etl/dagRuns", params={"limit": 100})["dag_runs"]
        for ti in cluster.task_instances(run["dag_run_id"])
        if ti["task_id"] == "load_source"
    ]
    assert {ti["state"] for ti in loads} == {"success"}
    assert any(ti["try_number"] >= 2 for ti in loads), f"no load_source was retried after killing {killed_task}"
    assert loaded_paths(clean_database) == expected_paths(demo_site.site, BACKFILL_DAYS)

    started = time.monotonic()
    cluster.wait_for_backfill(cluster.create_backfill(BACKFILL_DAYS[0], BACKFILL_DAYS[-1], reprocess="completed"))
    print(f"second backfill (one worker) took {time.monotonic() - started:.0f} s")

    assert warehouse_rows(clean_database) == first
