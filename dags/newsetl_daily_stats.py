"""
### newsetl_daily_stats: refresh per-source daily statistics when a day's load succeeds

An example of a DAG scheduled on data, not on time: it runs whenever `news_etl` emits the
`newsetl_daily_articles` Asset (a day loaded and passed its data-quality check) and copies the
`daily_source_stats` view into `daily_source_stats_snapshot` for the days those events name. Recomputing a
day gives the same rows, so a repeated or late event does no harm.
"""

from __future__ import annotations

from datetime import UTC, datetime

from airflow.sdk import dag, get_current_context, task
from newsetl_airflow import DAILY_ARTICLES, task_settings


@dag(
    schedule=[DAILY_ARTICLES],
    start_date=datetime(2025, 5, 1, tzinfo=UTC),
    catchup=False,
    # Nothing to run until news_etl emits its Asset; paused, its snapshot table would stay empty unnoticed.
    is_paused_upon_creation=False,
    default_args={"owner": "newsetl", "retries": 1},
    tags=["newsetl", "stats"],
    doc_md=__doc__,
)
def newsetl_daily_stats() -> None:
    @task
    def refresh_daily_stats() -> int:
        """Recompute `daily_source_stats_snapshot` for every day named by the asset events that triggered this run."""
        from etl.records import Interval
        from etl.warehouse.stats import refresh_daily_stats as refresh

        events = get_current_context()["triggering_asset_events"][DAILY_ARTICLES]
        rows = 0
        for event in events:
            interval = Interval(
                datetime.fromisoformat(event.extra["interval_start"]),
                datetime.fromisoformat(event.extra["interval_end"]),
            )
            rows += refresh(task_settings(), interval)
        return rows

    refresh_daily_stats()


newsetl_daily_stats()
