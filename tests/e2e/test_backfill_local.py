"""A 3-day backfill through Airflow's REST API, run by a real scheduler and LocalExecutor, loads exactly
those days; the same backfill again, reprocessing every day, leaves identical rows."""

from __future__ import annotations

import pytest

from etl.config import load_settings
from etl.demo_site.server import RunningSite
from etl.sources import load_sources
from tests.e2e.airflow_cluster import (
    AirflowCluster,
    Timing,
    wait_for,
)
from tests.factories import BACKFILL_DAYS, expected_paths, loaded_paths, run_audit, stats_days, warehouse_rows


@pytest.mark.slow
def test_rest_api_backfill_loads_exactly_its_days_and_again_the_same_rows(
    cluster: AirflowCluster, clean_database: str, demo_site: RunningSite
) -> None:
    timing = Timing()
    cluster.unpause("news_etl")
    cluster.unpause("newsetl_daily_stats")

    runs = cluster.wait_for_backfill(cluster.create_backfill(BACKFILL_DAYS[0], BACKFILL_DAYS[-1]))
    first = warehouse_rows(clean_database)
    print(f"first backfill done after {timing.elapsed():.0f} s")

    assert sorted(run["logical_date"][:10] for run in runs) == [day.isoformat() for day in BACKFILL_DAYS]
    assert loaded_paths(clean_database) == expected_paths(demo_site.site, BACKFILL_DAYS)
    sources = len(load_sources(load_settings({})))
    # Unpausing also started the nightly run of the latest day (catchup=False): not one of these days.
    assert run_audit(clean_database, BACKFILL_DAYS) == [(day, "success", True, sources) for day in BACKFILL_DAYS]
    # The Asset each day's load emitted scheduled the downstream stats DAG.
    wait_for(lambda: stats_days(clean_database) == BACKFILL_DAYS, 300, "daily stats of the loaded days", cluster)

    # Again, re-extracting from the raw archive (the `reprocess` param): no page is fetched, same rows.
    requests_before = len(demo_site.requested.paths())
    cluster.wait_for_backfill(
        cluster.create_backfill(BACKFILL_DAYS[0], BACKFILL_DAYS[-1], reprocess="completed", conf={"reprocess": True})
    )
    print(f"second backfill done after {timing.elapsed():.0f} s")

    assert len(demo_site.requested.paths()) == requests_before
    assert warehouse_rows(clean_database) == first
    assert run_audit(clean_database, BACKFILL_DAYS) == [(day, "success", True, 2 * sources) for day in BACKFILL_DAYS]
