"""
### news_etl: one UTC day of news, every night

Each run scrapes the sources in the sources file for the articles published during the run's **data
interval**, one UTC calendar day `[D 00:00, D+1 00:00)`, and loads them into the warehouse.

1. `migrate_warehouse` applies pending warehouse migrations (`python -m etl migrate`; a no-op when up to
   date, serialised by an advisory lock), so no loading task ever runs DDL.
2. `list_sources` names the sources to run: the `sources` param, or every source in the sources file.
3. `load_source`, mapped once per source, scrapes and loads that source's day in the `newsetl_sources`
   pool (a slow source holds one slot; the others go on) and hands on only a run id and counts.
4. `check_load` fails the run, naming the source, if a source failed or found pages but loaded none.
5. `check_quality` records the shares of empty pages, failed fetches and repeated paragraphs on each
   source's `pipeline_runs` row and fails the run when one crosses its `NEWSETL_QUALITY_*` threshold;
   when it passes, it emits the `newsetl_daily_articles` Asset that downstream DAGs are scheduled on.

Every task is safe to run twice (retries, Celery redelivery, a backfill overlapping the nightly run):
loads are idempotent upserts and runs of one source and day wait for each other (advisory lock).

**Schedule.** The run for day D starts at D+1 `NEWSETL_SCHEDULE_NIGHTLY_AT` (UTC, default 00:30) and
loads D. Every run's logical date is the start of the day it loads and its id names that day
(`scheduled__2025-05-15`, `backfill__2025-05-15T00:00:00+00:00`, `manual__2025-05-15__...`): the 15th
means the 15th. `catchup` is off.

**Params.** `sources`: source names to run (empty: all). `reprocess`: re-extract from the raw archive
instead of refetching pages.

**Backfill from the UI.** Unpause the DAG, press *Trigger*, choose *Backfill*, give the first and last
day to load as the date range (2025-05-12 to 2025-05-18 loads those seven days, one run each), choose a
*Reprocess Behavior* (*All Runs* reloads days already loaded: loads are idempotent) and press *Run
Backfill*. From a shell: `airflow backfill create --dag-id news_etl --from-date 2025-05-12 --to-date
2025-05-18`; over the REST API: `POST /api/v2/backfills`.

**Load one day.** *Trigger* -> *Single Run*, set *Logical Date* to the day (the time of day does not
matter), keep the data interval *Inferred*, press *Trigger*: it loads that UTC day. A day that already has
a run at 00:00 (a backfill's, the nightly one) is loaded again by any other time of that day, or by
*Clear* on its run. Left at its default (now), the run loads today so far.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param, dag, get_current_context, task
from newsetl_airflow import DAILY_ARTICLES, failures_for_good, migrate_warehouse_now, run_interval, task_settings
from newsetl_timetable import PreviousDayTimetable, parse_run_at

from etl.config import load_settings

# Read when the DAG file is parsed: the schedule and retry policy are part of the DAG's definition.
SCHEDULE = load_settings().schedule

# Given explicitly: a mapped task does not take its function's docstring as its doc.
LOAD_SOURCE_DOC = """Scrape and load one source for the run's data interval (`etl.pipeline.run_source`) in the
`newsetl_sources` pool; return its pipeline run id and counts. Mapped once per source, never per article."""


@dag(
    schedule=PreviousDayTimetable(parse_run_at(SCHEDULE.nightly_at)),
    start_date=datetime(2025, 5, 1, tzinfo=UTC),
    catchup=False,
    # Scheduled runs one at a time; backfills have their own limit (max_active_runs of the backfill).
    max_active_runs=1,
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(seconds=SCHEDULE.retry_delay_s),
        # A multiplier in Airflow 3 (True would mean 1.0: no backoff). Default waits: 5-10 min, then 10-20 min.
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(seconds=SCHEDULE.max_retry_delay_s),
    },
    params={
        "sources": Param(
            [],
            type=["null", "array"],  # optional: the trigger form marks a field required unless null is allowed
            items={"type": "string"},
            title="Sources",
            description="Source names to run, one per line; empty runs every source in the sources file.",
        ),
        "reprocess": Param(
            False,
            type="boolean",
            title="Reprocess",
            description="Re-extract from the raw archive instead of refetching pages.",
        ),
    },
    tags=["newsetl", "etl"],
    doc_md=__doc__,
)
def news_etl() -> None:
    @task
    def migrate_warehouse() -> list[str]:
        """Apply pending warehouse migrations once, before any load (advisory-locked; a no-op when current)."""
        return migrate_warehouse_now()

    @task
    def list_sources(params: dict[str, Any]) -> list[str]:
        """Name the sources to run: the `sources` param, else every source in the sources file."""
        from etl.sources import find_source, load_sources

        with failures_for_good():
            sources = load_sources(task_settings())
            wanted = params.get("sources") or [source.name for source in sources]
            return [find_source(sources, name).name for name in wanted]

    @task(
        pool=SCHEDULE.pool,
        execution_timeout=timedelta(seconds=SCHEDULE.load_timeout_s),
        doc_md=LOAD_SOURCE_DOC,
        # The mapped instances are listed by source name in the UI, not by 0, 1, 2.
        map_index_template="{{ source_name }}",
    )
    def load_source(source: str) -> dict[str, Any]:
        from etl.pipeline.run import run_source

        context = get_current_context()
        # Read by map_index_template; Airflow's Context type does not list keys a task adds.
        context["source_name"] = source  # type: ignore[typeddict-unknown-key]
        reprocess = bool(context["params"].get("reprocess"))
        interval = run_interval(context)
        how = "re-extracting from the raw archive (reprocess)" if reprocess else "discovering and fetching"
        print(f"{source}: loading {interval.start:%Y-%m-%d} (UTC day), {how}")
        with failures_for_good():
            summary = run_source(task_settings(), source, interval, dag_run_id=context["run_id"], reprocess=reprocess)
        print(summary.describe())
        return summary.as_dict()

    @task
    def check_load(summaries: list[dict[str, Any]]) -> list[int]:
        """Fail the run, naming the source, when any source failed or loaded nothing; pass the run ids on."""
        from etl.pipeline.run import check_runs

        run_ids = [summary["run_id"] for summary in summaries]
        with failures_for_good():
            print(check_runs(task_settings(), run_ids))
        return run_ids

    @task(outlets=[DAILY_ARTICLES])
    def check_quality(run_ids: list[int]) -> None:
        """Record each source's data-quality shares; fail when one crosses its threshold, else emit the Asset."""
        from etl.pipeline.quality import check_quality as judge_runs

        context = get_current_context()
        interval = run_interval(context)
        with failures_for_good():
            judge_runs(task_settings(), run_ids)
        context["outlet_events"][DAILY_ARTICLES].extra = {
            "interval_start": interval.start.isoformat(),
            "interval_end": interval.end.isoformat(),
        }

    # TaskFlow calls return XComArgs where the functions' hints name the values they will carry.
    sources = list_sources()  # type: ignore[call-arg, misc]
    migrate_warehouse() >> sources
    check_quality(check_load(load_source.expand(source=sources)))  # type: ignore[arg-type]


news_etl()
