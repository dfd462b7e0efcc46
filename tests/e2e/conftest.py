"""Fixtures of the end-to-end tests: a throwaway Airflow metadata database and the warehouse's contents."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from etl.demo_site.server import RunningSite
from etl.warehouse.connection import connect
from tests.dags.test_news_etl import REPO_ROOT, is_expected_on
from tests.e2e.airflow_cluster import AirflowCluster, airflow_environment, free_port, started_cluster
from tests.factories import throwaway_database


@pytest.fixture
def metadata_url(server_url: str) -> Iterator[str]:
    """A fresh, empty Postgres database for Airflow's metadata, dropped afterwards."""
    with throwaway_database(server_url, "airflow_e2e", migrated=False) as url:
        yield url


def expected_paths(demo_site: RunningSite, days: list[date]) -> list[str]:
    """The demo site's ground truth: URL paths of the articles a load of ``days`` must hold."""
    return sorted(truth.path for truth in demo_site.site.articles() if any(is_expected_on(d, truth) for d in days))


def warehouse_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every row of the article tables, in a stable order, to compare two loads."""
    statements = {
        "articles": "select * from articles order by url",
        "paragraphs": "select * from paragraphs order by paragraph_key",
        "article_paragraphs": "select * from article_paragraphs order by article_id, position",
    }
    conn = connect(database_url)
    try:
        with conn, conn.cursor() as cur:
            rows = {}
            for table, statement in statements.items():
                cur.execute(statement)
                rows[table] = cur.fetchall()
            return rows
    finally:
        conn.close()


def loaded_paths(database_url: str) -> list[str]:
    """URL paths of every article row, duplicates kept."""
    return sorted(urlsplit(row[2]).path for row in warehouse_rows(database_url)["articles"])


def run_audit(database_url: str, days: list[date]) -> list[tuple]:
    """(interval day, status, quality passed, number of runs) of ``pipeline_runs`` of ``days``, per outcome."""
    conn = connect(database_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "select (interval_start at time zone 'UTC')::date, status, quality_passed, count(*) "
                "from pipeline_runs where (interval_start at time zone 'UTC')::date = any(%s) "
                "group by 1, 2, 3 order by 1, 2, 3",
                (days,),
            )
            return cur.fetchall()
    finally:
        conn.close()


def stats_days(database_url: str) -> list[date]:
    """The days ``daily_source_stats_snapshot`` holds articles for (a day with only failures has a row too)."""
    conn = connect(database_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("select distinct day from daily_source_stats_snapshot where articles > 0 order by day")
            return [day for (day,) in cur.fetchall()]
    finally:
        conn.close()


CHROMIUM = Path("/usr/bin/chromium")
OUTPUT_DIR = REPO_ROOT / "test-output"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium for Playwright, installed with apt where missing (Playwright downloads no browser)."""
    if not CHROMIUM.exists():
        done = subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if done.returncode != 0 or not CHROMIUM.exists():
            pytest.skip(
                f"no /usr/bin/chromium and apt-get could not install it (run as root on Debian):\n{done.stderr}"
            )
    return CHROMIUM


def _redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis broker: ``NEWSETL_TEST_REDIS_URL``, the local one on 6379, else a ``redis-server`` started for
    the session (no persistence); skipped with a reason on a machine that has none of these."""
    url = os.environ.get("NEWSETL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if _redis_answers(url):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(f"no Redis answers at {url} and no redis-server to start: the CeleryExecutor test needs a broker")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not _redis_answers(url):
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server on port {port} did not answer within 10 s")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path: Path, metadata_url: str, clean_database: str, demo_site: RunningSite) -> Iterator[AirflowCluster]:
    """A real Airflow 3 on LocalExecutor (api-server, scheduler, dag-processor) against the test warehouse
    and demo site; the Celery test module overrides it with its own."""
    port = free_port()
    env = airflow_environment(tmp_path, port, metadata_url, clean_database, demo_site.base_url)
    yield from started_cluster(
        AirflowCluster(tmp_path, env, port),
        ("api-server", "api-server"),
        ("scheduler", "scheduler"),
        ("dag-processor", "dag-processor"),
    )
