"""
### news_archive: backfill from web archives (Common Crawl News, or WARC files you name)

Loads the articles that sources published in an interval from the pages web archives captured, through
the same stages as the nightly load (raw archive, extract, dedup, load). Triggered by hand; nothing is
scheduled.

1. `migrate_warehouse` applies pending warehouse migrations (a no-op when up to date).
2. `list_warc_files` names the WARC files: the `warc_files` param, else the CC-NEWS files of every month
   the interval touches (`crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz` under `NEWSETL_CCNEWS_BASE_URL`),
   leaving out files crawled more than `NEWSETL_CCNEWS_MARGIN_DAYS` outside the interval.
3. `import_warc_file`, mapped once per file (a file is the unit of work, never an article), streams the file
   in the `newsetl_sources` pool and loads the pages of the sources' hosts published in the interval,
   printing progress (records read, MB, pages loaded) in its log. A year of CC-NEWS is thousands of files:
   they spread over every Celery worker started. Each task instance is named by its file.
4. `check_imports` fails the run, naming the file, when a file could not be imported, and naming the month
   when a month's CC-NEWS index could not be read for another reason than not being there (HTTP 404): the
   other months' files are imported first.

Every task is safe to run twice: an import commits its position after each batch (`warc_imports`), so a
retry or a re-run continues where it stopped and skips finished files (its log says so); loads are
idempotent upserts. A file that no retry can mend (a local path that does not exist, an empty file, a file
that is no WARC or ARC) fails its task at once, without retries.

**Params.** `sources`: source names (empty: all). `start`, `end`: the publication interval
`[start, end)`, dates (YYYY-MM-DD, UTC); a whole month is `2025-05-01` to `2025-06-01`. `warc_files`:
WARC/ARC paths (absolute, as the workers see them) or URLs to import instead of CC-NEWS (empty:
CC-NEWS).

**Run it.** *Trigger* the DAG, set the params, press *Trigger*. From a shell:
`airflow dags trigger news_archive --conf '{"start": "2025-05-01", "end": "2025-06-01"}'`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from newsetl_airflow import failures_for_good, migrate_warehouse_now, task_settings

from etl.config import load_settings

if TYPE_CHECKING:
    from etl.records import Interval

# Read when the DAG file is parsed: the pool and the retry policy are part of the DAG's definition.
SCHEDULE = load_settings().schedule
UNREADABLE_MONTHS = "unreadable_months"
"""The XCom key of the CC-NEWS months whose index could not be read (list_warc_files to check_imports)."""

IMPORT_WARC_FILE_DOC = """Stream one WARC file and load the pages of the sources' hosts published in the interval
(`etl.pipeline.imports.import_files`) in the `newsetl_sources` pool; progress in the log; resumes where an
earlier attempt stopped. Mapped once per file, never per article."""


@dag(
    schedule=None,
    start_date=datetime(2025, 5, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "newsetl",
        "retries": 2,
        "retry_delay": timedelta(seconds=SCHEDULE.retry_delay_s),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(seconds=SCHEDULE.max_retry_delay_s),
    },
    params={
        "sources": Param(
            [],
            type=["null", "array"],  # optional: the trigger form marks a field required unless null is allowed
            items={"type": "string"},
            title="Sources",
            description="Source names to load, one per line; empty loads every source in the sources file.",
        ),
        "start": Param(
            "2025-05-01",
            type="string",
            format="date",
            title="Published from",
            description="First day of the publication interval (UTC, inclusive).",
        ),
        "end": Param(
            "2025-06-01",
            type="string",
            format="date",
            title="Published until",
            description="Day after the last of the interval (UTC, exclusive): a month is 2025-05-01 to 2025-06-01.",
        ),
        "warc_files": Param(
            [],
            type=["null", "array"],  # optional: the trigger form marks a field required unless null is allowed
            items={"type": "string"},
            title="WARC files",
            description="WARC/ARC paths or URLs to import instead of Common Crawl News; empty: CC-NEWS.",
        ),
    },
    tags=["newsetl", "etl", "archive"],
    doc_md=__doc__,
)
def news_archive() -> None:
    @task
    def migrate_warehouse() -> list[str]:
        """Apply pending warehouse migrations once, before any import (advisory-locked; a no-op when current)."""
        return migrate_warehouse_now()

    @task
    def list_warc_files(params: dict[str, Any]) -> list[str]:
        """Name the files to import: the `warc_files` param, else the CC-NEWS files of the interval's months.
        A line per month whose index failed otherwise than by HTTP 404 goes to `check_imports` (XCom
        ``unreadable_months``)."""
        from etl.archives.ccnews import ccnews_files
        from etl.sources import find_source, load_sources

        with failures_for_good():
            settings = task_settings()
            sources = load_sources(settings)
            for name in params.get("sources") or ():
                find_source(sources, name)
            interval = _interval(params)
            if params.get("warc_files"):
                return list(params["warc_files"])
            listing = ccnews_files(settings.ccnews, settings.fetch, interval)
        for line in listing.unlisted:
            print(line)
        print(
            f"CC-NEWS {', '.join(listing.months)}: {len(listing.urls)} WARC files to import, "
            f"{listing.outside_window} left out as crawled more than {settings.ccnews.margin_days:g} days "
            "outside the interval"
        )
        if listing.unreadable and not listing.urls:
            # No import follows to carry the months to check_imports: fail here (a retry may list them).
            raise RuntimeError("; ".join(listing.unreadable))
        get_current_context()["ti"].xcom_push(UNREADABLE_MONTHS, list(listing.unreadable))
        return list(listing.urls)

    @task(
        pool=SCHEDULE.pool,
        execution_timeout=timedelta(seconds=SCHEDULE.load_timeout_s),
        doc_md=IMPORT_WARC_FILE_DOC,
        map_index_template="{{ warc_file_name }}",
    )
    def import_warc_file(location: str) -> dict[str, Any]:
        from etl.pipeline.imports import import_files

        context = get_current_context()
        # Read by map_index_template; Airflow's Context type does not list keys a task adds.
        context["warc_file_name"] = os.path.basename(location.rstrip("/"))  # type: ignore[typeddict-unknown-key]
        params = context["params"]
        with failures_for_good():
            interval = _interval(params)
            print(f"{location}: importing articles published in [{interval.start:%Y-%m-%d}, {interval.end:%Y-%m-%d})")
            (result,) = import_files(
                task_settings(),
                [location],
                params.get("sources") or None,
                interval,
                dag_run_id=context["run_id"],
                progress=print,
            )
        if result.status == "failed":
            if not result.retryable:
                # A missing file or one that is no WARC stays so: fail now, not after 15 minutes of retries.
                raise AirflowFailException(result.describe())
            # A retry continues at the last committed batch (warc_imports).
            raise RuntimeError(result.describe())
        if result.status == "skipped":
            print(result.skipped_note())
        return result.as_dict()

    @task
    def check_imports(results: list[dict[str, Any]]) -> None:
        """Fail the run, naming the file or month, when a file was not imported or a month's index could not be
        read; else one line of totals."""
        problems = [f"{r['warc_file']}: {r['status']}" for r in results if r["status"] not in ("done", "skipped")]
        ti = get_current_context()["ti"]
        problems += ti.xcom_pull(task_ids="list_warc_files", key=UNREADABLE_MONTHS) or []
        if problems:
            raise AirflowFailException("; ".join(problems))
        done = [r for r in results if r["status"] == "done"]
        loaded = sum(r["pages_loaded"] for r in done)
        mb = sum(r["mb_read"] for r in done)
        print(
            f"{len(done)} WARC files imported: {mb:.1f} MB, {loaded} pages loaded; "
            f"{len(results) - len(done)} skipped, imported before"
        )

    # TaskFlow calls return XComArgs where the functions' hints name the values they will carry.
    files = list_warc_files()  # type: ignore[call-arg, misc]
    migrate_warehouse() >> files
    check_imports(import_warc_file.expand(location=files))  # type: ignore[arg-type]


def _interval(params: dict[str, Any]) -> Interval:
    """The params' publication interval ``[start, end)`` (``etl.records.Interval``); a ConfigError when the
    dates are not dates or end is not after start (fails the task for good)."""
    from etl.config import ConfigError
    from etl.dates import day_start
    from etl.records import Interval

    try:
        start, end = date.fromisoformat(str(params["start"])), date.fromisoformat(str(params["end"]))
    except ValueError as exc:
        raise ConfigError(f"params start and end must be dates (YYYY-MM-DD): {exc}") from exc
    if end <= start:
        raise ConfigError(f"param end {end} must be after start {start}")
    return Interval(day_start(start), day_start(end))


news_archive()
