"""What the newsetl DAG files share: the Asset a day's load emits, and settings as a task sees them.

It sits in the plugins folder, which every Airflow process puts on ``sys.path``, so the DAG files, the
DAG processor and the workers all import it by the same name; it defines no plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset

if TYPE_CHECKING:
    from etl.config import Settings
    from etl.records import Interval

WAREHOUSE_CONN_ID = "newsetl_warehouse"

# Emitted once per successful day's load; its event's extra names the day (ISO interval bounds).
DAILY_ARTICLES = Asset(name="newsetl_daily_articles", uri="newsetl://warehouse/articles", group="newsetl")


def task_settings() -> Settings:
    """``NEWSETL_*`` settings of this worker, the warehouse taken from the ``newsetl_warehouse`` Connection.

    Without that Connection the warehouse is ``NEWSETL_DATABASE_URL``; without either, the task fails at
    once saying what to configure (a worker never starts a warehouse of its own). Credentials stay in
    Airflow's Connection store (or ``AIRFLOW_CONN_NEWSETL_WAREHOUSE``).
    """
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from etl.config import load_settings
    from etl.warehouse.connection import warehouse_url

    settings = load_settings()
    try:
        connection = BaseHook.get_connection(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        with failures_for_good():
            warehouse_url(settings)
        return settings
    return replace(settings, database_url=connection.get_uri())


def migrate_warehouse_now() -> list[str]:
    """Apply the warehouse's pending migrations (advisory-locked: one task applies, the others wait); the
    names applied, none when current. What each DAG's first task, ``migrate_warehouse``, does."""
    from etl.warehouse.connection import warehouse_url
    from etl.warehouse.migrate import migrate_database

    with failures_for_good():
        return migrate_database(warehouse_url(task_settings()))


@contextmanager
def failures_for_good() -> Iterator[None]:
    """Errors a retry cannot change fail the task at once (``AirflowFailException``) instead of waiting 5
    and 10 minutes for the same error: a bad configuration, a data check that failed on stored rows,
    extraction workers that cannot start."""
    from airflow.sdk.exceptions import AirflowFailException

    from etl.config import ConfigError
    from etl.pipeline.quality import QualityCheckFailed
    from etl.pipeline.run import LoadCheckError
    from etl.pipeline.workers import WorkerStartError

    try:
        yield
    except (ConfigError, QualityCheckFailed, LoadCheckError, WorkerStartError) as exc:
        raise AirflowFailException(f"{type(exc).__name__}: {exc}") from exc


def run_interval(context: Any) -> Interval:
    """The run's data interval; fails the task for good (no retry) when the run has none."""
    from airflow.sdk.exceptions import AirflowFailException

    from etl.records import Interval

    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None:
        raise AirflowFailException("this run has no data interval: trigger it with a logical date")
    return Interval(start, end)
