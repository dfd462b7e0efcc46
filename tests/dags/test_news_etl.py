"""The ``news_etl`` DAG: it parses, its schedule covers whole UTC days, and a run loads exactly its day.

Airflow reads its configuration once, when first imported, so this module imports ``airflow`` only inside
fixtures and tests, after the ``airflow_env`` fixture (tests/conftest.py) pointed ``AIRFLOW_HOME`` at a
throwaway directory. ``dag.test()`` runs in a subprocess configured by environment alone, as a worker is,
against a SQLite metadata database migrated once per session.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from etl.config import load_settings
from tests.dags.airflow_runs import run_logged
from tests.factories import DAGS_FOLDER, DAY, expected_paths, loaded_paths

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.definitions.dag import SerializedDAG

    from etl.demo_site.server import RunningSite

MIDNIGHT = datetime(2025, 5, 15, tzinfo=UTC)
NEXT_MIDNIGHT = MIDNIGHT + timedelta(days=1)

# argv: dags folder, logical date (ISO, or "none"), result file.
DAG_TEST_SCRIPT = """
import json, sys
from datetime import datetime
from airflow.dag_processing.dagbag import DagBag

dag = DagBag(dag_folder=sys.argv[1]).dags["news_etl"]
logical_date = None if sys.argv[2] == "none" else datetime.fromisoformat(sys.argv[2])
run = dag.test(logical_date=logical_date)
result = {
    "state": run.state,
    "data_interval": [run.data_interval_start and run.data_interval_start.isoformat(),
                      run.data_interval_end and run.data_interval_end.isoformat()],
    "tasks": sorted([ti.task_id, ti.state, ti.try_number] for ti in run.get_task_instances()),
}
with open(sys.argv[3], "w") as out:
    json.dump(result, out)
"""


@pytest.fixture(scope="session")
def scheduler_dag(dagbag: DagBag) -> SerializedDAG:
    """``news_etl`` as the scheduler sees it: serialised and read back, with Airflow core's timetable."""
    from airflow.serialization.serialized_objects import DagSerialization

    return DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dagbag.dags["news_etl"]))


def test_dags_folder_imports_without_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert "news_etl" in dagbag.dag_ids


def test_news_etl_migrates_then_maps_load_source_then_checks(dagbag: DagBag) -> None:
    dag = dagbag.dags["news_etl"]

    assert set(dag.task_ids) == {"migrate_warehouse", "list_sources", "load_source", "check_load", "check_quality"}
    assert dag.get_task("list_sources").upstream_task_ids == {"migrate_warehouse"}
    assert dag.get_task("load_source").upstream_task_ids == {"list_sources"}
    assert dag.get_task("load_source").is_mapped
    assert dag.get_task("check_load").upstream_task_ids == {"load_source"}
    assert dag.get_task("check_quality").upstream_task_ids == {"check_load"}


def test_every_task_is_documented_and_loads_run_in_their_pool(dagbag: DagBag) -> None:
    dag = dagbag.dags["news_etl"]

    assert "backfill" in dag.doc_md.lower()
    assert all(task.doc_md for task in dag.tasks)
    assert dag.get_task("load_source").pool == load_settings({}).schedule.pool


def test_params_choose_sources_and_reprocessing(dagbag: DagBag) -> None:
    params = dagbag.dags["news_etl"].params

    assert params["sources"] == []
    assert params["reprocess"] is False
    assert params.get_param("sources").resolve(None) is None  # optional in the trigger form: every source


def test_quality_check_emits_the_asset_the_stats_dag_is_scheduled_on(dagbag: DagBag) -> None:
    outlets = dagbag.dags["news_etl"].get_task("check_quality").outlets
    stats = dagbag.dags["newsetl_daily_stats"]

    assert [asset.name for asset in outlets] == ["newsetl_daily_articles"]
    assert [asset.name for asset in stats.timetable.asset_condition.objects] == ["newsetl_daily_articles"]


def test_news_etl_does_not_catch_up_and_retries_every_task(dagbag: DagBag) -> None:
    dag = dagbag.dags["news_etl"]

    assert dag.catchup is False
    assert dag.start_date is not None and dag.start_date.utcoffset() == timedelta(0)
    assert dag.tags
    assert all(task.retries == 2 for task in dag.tasks)


def test_a_backfill_run_is_labelled_named_and_due_on_the_day_it_loads(scheduler_dag: SerializedDAG) -> None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.types import DagRunType

    (info,) = scheduler_dag.iter_dagrun_infos_between(MIDNIGHT, MIDNIGHT)
    # How Airflow names a backfill's run (models/backfill.py): after its run-after time.
    run_id = DagRun.generate_run_id(
        run_type=DagRunType.BACKFILL_JOB, logical_date=info.logical_date, run_after=info.run_after
    )

    assert info.logical_date == MIDNIGHT
    assert (info.data_interval.start, info.data_interval.end) == (MIDNIGHT, NEXT_MIDNIGHT)
    assert info.run_after == MIDNIGHT
    assert run_id == f"backfill__{MIDNIGHT.isoformat()}"


def test_backfill_range_gives_one_run_per_day(scheduler_dag: SerializedDAG) -> None:
    infos = list(scheduler_dag.iter_dagrun_infos_between(MIDNIGHT - timedelta(days=2), MIDNIGHT))

    assert [(i.data_interval.start, i.data_interval.end) for i in infos] == [
        (MIDNIGHT - timedelta(days=n), NEXT_MIDNIGHT - timedelta(days=n)) for n in (2, 1, 0)
    ]


def test_nightly_runs_follow_each_other_day_by_day_at_the_nightly_time(scheduler_dag: SerializedDAG) -> None:
    from airflow.timetables.base import DataInterval

    previous_day = DataInterval(MIDNIGHT - timedelta(days=1), MIDNIGHT)
    # The scheduler asks with the DAG's own time restriction: its start date, no end date, no catchup.
    restriction = scheduler_dag._time_restriction._replace(catchup=True)
    info = scheduler_dag.timetable.next_dagrun_info(last_automated_data_interval=previous_day, restriction=restriction)
    hours, minutes = map(int, load_settings({}).schedule.nightly_at.split(":"))

    assert info is not None
    assert (info.data_interval.start, info.data_interval.end) == (MIDNIGHT, NEXT_MIDNIGHT)
    assert info.run_after == NEXT_MIDNIGHT + timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize("logical_date", [MIDNIGHT, MIDNIGHT + timedelta(hours=7, minutes=30)])
def test_a_manual_run_loads_the_day_of_its_logical_date(scheduler_dag: SerializedDAG, logical_date: datetime) -> None:
    interval = scheduler_dag.timetable.infer_manual_data_interval(run_after=logical_date)

    assert (interval.start, interval.end) == (MIDNIGHT, NEXT_MIDNIGHT)


@pytest.mark.slow
def test_dag_test_loads_exactly_the_days_articles(
    airflow_metadata_env: dict[str, str],
    clean_database: str,
    demo_site: RunningSite,
    tmp_path: Path,
) -> None:
    env = {
        **airflow_metadata_env,
        "NEWSETL_DATABASE_URL": clean_database,
        "NEWSETL_DEMO_SITE_URL": demo_site.base_url,
        # Fetch as the `settings` fixture of tests/conftest.py does, so a failing page costs seconds.
        "NEWSETL_FETCH_RETRIES": "1",
        "NEWSETL_FETCH_BACKOFF_S": "0.0",
        "NEWSETL_FETCH_CONNECT_TIMEOUT_S": "2.0",
        "NEWSETL_FETCH_READ_TIMEOUT_S": "5.0",
    }

    # dag.test() makes a manual run, which loads the UTC day of its logical date.
    result = run_dag_test((MIDNIGHT + timedelta(hours=9)).isoformat(), env, tmp_path)

    assert result["state"] == "success"
    assert result["data_interval"] == [MIDNIGHT.isoformat(), NEXT_MIDNIGHT.isoformat()]
    assert loaded_paths(clean_database) == expected_paths(demo_site.site, [DAY])


@pytest.mark.slow
def test_run_without_logical_date_fails_at_once(
    airflow_metadata_env: dict[str, str], clean_database: str, tmp_path: Path
) -> None:
    env = {**airflow_metadata_env, "NEWSETL_DATABASE_URL": clean_database}
    result = run_dag_test("none", env, tmp_path, timeout=180)

    assert result["state"] == "failed"
    assert result["data_interval"] == [None, None]
    load_sources = [task for task in result["tasks"] if task[0] == "load_source"]
    assert load_sources
    assert all(state == "failed" and tries == 1 for _, state, tries in load_sources)


@pytest.mark.slow
def test_a_run_without_a_warehouse_fails_at_once_saying_what_to_configure(
    airflow_metadata_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in airflow_metadata_env.items() if k != "NEWSETL_DATABASE_URL"}
    env["NEWSETL_DATA_DIR"] = str(tmp_path / "state")
    result = run_dag_test((MIDNIGHT + timedelta(hours=9)).isoformat(), env, tmp_path, timeout=180)

    assert result["state"] == "failed"
    assert ("migrate_warehouse", "failed", 1) in [tuple(task) for task in result["tasks"]]
    # A worker never starts a warehouse of its own.
    assert not (tmp_path / "state" / "pg").exists()


def test_mapped_loads_are_listed_by_source_name(dagbag: DagBag) -> None:
    load_source = dagbag.dags["news_etl"].get_task("load_source")

    assert load_source.map_index_template == "{{ source_name }}"


def run_dag_test(logical_date: str, env: dict[str, str], tmp_path: Path, timeout: float = 900) -> dict[str, Any]:
    """Run ``news_etl`` once with ``dag.test()`` in a fresh interpreter; return what the run did."""
    result_file = tmp_path / "dag_test.json"
    command = [sys.executable, "-c", DAG_TEST_SCRIPT, str(DAGS_FOLDER), logical_date, str(result_file)]
    run_logged(command, env=env, timeout=timeout)
    return json.loads(result_file.read_text())
