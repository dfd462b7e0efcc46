"""A run killed with SIGKILL in the middle of loading loses only its batch in flight: the re-run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from etl.config import PROJECT_ROOT, Settings
from etl.dates import day_start
from etl.demo_site.server import RunningSite
from etl.pipeline.run import run_source
from etl.records import Interval
from etl.warehouse.connection import connect
from tests.factories import throwaway_database

SOURCE = "demo-de"
CONTENT_TABLES = (
    "articles",
    "paragraphs",
    "article_paragraphs",
    "boilerplate_paragraphs",
    "paragraph_lsh_pending",
    "paragraph_bands",
    "paragraph_near_duplicates",
    "article_duplicates",
    "article_search",
    "page_bodies",
)
TEXT_CHECKSUM = """
    select md5(string_agg(a.url || E'\\x1f' || coalesce(a.title, '') || E'\\x1f' || p.text, E'\\x1e'
                          order by a.url, ap.position))
    from articles a join article_paragraphs ap using (article_id) join paragraphs p using (paragraph_key)
"""
COPIES_CHECKSUM = """
    select md5(coalesce(string_agg(c.url || ' ' || o.url, E'\\n' order by c.url, o.url), ''))
    from article_duplicates d
    join articles c on c.article_id = d.article_id
    join articles o on o.article_id = d.duplicate_of
"""


@pytest.fixture
def other_database(server_url: str) -> Iterator[str]:
    """A second fresh, migrated database on the same server, dropped afterwards."""
    with throwaway_database(server_url, "newsetl_test") as url:
        yield url


def _scalar(url: str, statement: str) -> object:
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement)
            return cur.fetchone()[0]
    finally:
        conn.close()


def _contents(url: str) -> dict[str, object]:
    """Row counts of the content tables and checksums of the text and the copy links (ids differ by database)."""
    found: dict[str, object] = {table: _scalar(url, f"select count(*) from {table}") for table in CONTENT_TABLES}
    found["text checksum"] = _scalar(url, TEXT_CHECKSUM)
    found["copies checksum"] = _scalar(url, COPIES_CHECKSUM)
    return found


def _kill_while_loading(settings: Settings, interval: Interval) -> str:
    """Start a run in a process group of its own, SIGKILL the group once a batch is committed; its run status."""
    env = {
        **os.environ,
        "NEWSETL_DATABASE_URL": settings.database_url or "",
        "NEWSETL_DEMO_SITE_URL": settings.demo_site_url,
        "NEWSETL_LOAD_BATCH_SIZE": "4",
        "NEWSETL_FETCH_RETRIES": "1",
        "NEWSETL_FETCH_BACKOFF_S": "0",
        "NEWSETL_FETCH_RETRY_AFTER_MAX_S": "0",
    }
    command = [sys.executable, "-m", "etl", "run", "--source", SOURCE]
    command += ["--start", interval.start.date().isoformat(), "--end", interval.end.date().isoformat()]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _scalar(settings.database_url or "", "select count(*) from articles") == 0:
            assert process.poll() is None, "the run ended before it loaded anything"
            assert time.monotonic() < deadline, "the run loaded nothing within a minute"
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    return str(_scalar(settings.database_url or "", "select status from pipeline_runs order by run_id desc limit 1"))


def test_a_run_killed_while_loading_then_rerun_leaves_the_tables_of_an_uninterrupted_run(
    settings: Settings, demo_site: RunningSite, other_database: str
) -> None:
    config = demo_site.site.config
    interval = Interval(day_start(config.start_date), day_start(config.start_date + timedelta(days=config.days)))

    status_at_kill = _kill_while_loading(settings, interval)
    assert settings.database_url is not None
    loaded_before_rerun = _scalar(settings.database_url, "select count(*) from articles")
    rerun = run_source(settings, SOURCE, interval)
    uninterrupted = run_source(replace(settings, database_url=other_database), SOURCE, interval)

    assert status_at_kill == "running"
    assert 0 < loaded_before_rerun < uninterrupted.articles_loaded  # killed in the middle of loading
    assert rerun.status == uninterrupted.status == "success"
    assert _contents(settings.database_url) == _contents(other_database)
    statuses = _scalar(settings.database_url, "select array_agg(status order by run_id) from pipeline_runs")
    assert statuses == ["abandoned", "success"]


def test_a_live_run_is_not_marked_abandoned_by_another_run_of_its_source(
    settings: Settings, demo_site: RunningSite
) -> None:
    config = demo_site.site.config
    day = day_start(config.start_date)
    holder = connect(settings.database_url or "")
    try:
        with holder, holder.cursor() as cur:
            cur.execute("insert into sources (source_name, base_url, language) values (%s, 'x', 'de')", (SOURCE,))
            cur.execute(
                "insert into pipeline_runs (source_name, interval_start, interval_end) values (%s, %s, %s) "
                "returning run_id",
                (SOURCE, day, day + timedelta(days=1)),
            )
            live_run = cur.fetchone()[0]
            cur.execute("select pg_advisory_lock(hashtext('newsetl.run'), %s::integer)", (live_run,))
        run_source(settings, SOURCE, Interval(day, day + timedelta(days=1)))
        status = _scalar(settings.database_url or "", f"select status from pipeline_runs where run_id = {live_run}")
    finally:
        holder.close()
    assert status == "running"
