"""
### news_etl: one UTC day of news, every night

Each run scrapes every source in the sources file for the articles published during the run's
**data interval** (one UTC calendar day, `[00:00, next 00:00)`) and loads them into the warehouse.

- `list_sources` reads the source names at run time, so editing the sources file needs no DAG change.
- `load_source` runs once per source (dynamic task mapping); each one calls `etl.pipeline.run_source`
  for the run's data interval and hands on only a small summary (the pipeline run id and counts).
- `check_load` fails the run, naming the source, if a source's pipeline run failed or found pages
  but loaded none.

All the work happens in the `etl` library; this file only wires it to Airflow. Settings come from
the `NEWSETL_*` environment variables of the worker (see `etl/config.py`), read when a task runs.

**Schedule.** The run for day D starts right after midnight UTC at the end of D. Its logical date is
D 00:00 UTC, so the run labelled 2025-05-15 loads the articles published on 2025-05-15.

**Backfill from the UI.** Open the DAG, press *Trigger*, choose *Backfill*, give the first and last day
to load as the date range (logical dates: 2025-05-12 to 2025-05-18 loads those seven days, one run
each) and press *Run Backfill*; the runs start once the DAG is unpaused. Set *Reprocess Behavior* to
rerun days already loaded too: loads are idempotent. From a shell: `airflow backfill create --dag-id
news_etl --from-date 2025-05-12 --to-date 2025-05-18`. A *Single Run* trigger with logical date X loads
the last complete day before X, i.e. the day before X's date; a run triggered without a logical date
has no day and fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException


@dag(
    # Midnight, not a later hour: a data-interval timetable always starts a run when its interval ends,
    # and the interval must be exactly one UTC calendar day.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2025, 5, 1, tzinfo=UTC),
    catchup=False,
    # One day at a time, so two runs never crawl the same sites at once.
    max_active_runs=1,
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        # A multiplier in Airflow 3 (True would mean 1.0: no backoff). Waits: 5-10 min, then 10-20 min.
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
    },
    tags=["newsetl", "etl"],
    doc_md=__doc__,
)
def news_etl() -> None:
    @task
    def list_sources() -> list[str]:
        """Read the source names when the run starts, so the mapping follows the sources file."""
        from etl.config import load_settings
        from etl.sources import load_sources

        return [source.name for source in load_sources(load_settings())]

    @task(execution_timeout=timedelta(hours=2))
    def load_source(source: str) -> dict[str, Any]:
        """Scrape and load one source for this run's data interval; return a small summary for XCom."""
        from etl.config import load_settings
        from etl.pipeline import run_source
        from etl.records import Interval

        context = get_current_context()
        start, end = context.get("data_interval_start"), context.get("data_interval_end")
        if start is None or end is None:
            # A run triggered without a logical date has no data interval (nor these keys); a retry cannot help.
            raise AirflowFailException("this run has no data interval: trigger it with a logical date")
        summary = run_source(load_settings(), source, Interval(start, end), dag_run_id=context["run_id"])
        return summary.as_dict()

    @task
    def check_load(summaries: list[dict[str, Any]]) -> str:
        """Fail the run, naming the source, when any source loaded nothing or failed."""
        from etl.config import load_settings
        from etl.pipeline import check_runs

        return check_runs(load_settings(), [summary["run_id"] for summary in summaries])

    check_load(load_source.expand(source=list_sources()))


news_etl()
