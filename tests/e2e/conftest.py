"""Fixtures of the end-to-end tests: a throwaway Airflow metadata database and the warehouse's contents."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from psycopg2 import sql

from etl.demo_site.server import RunningSite
from etl.warehouse import connect
from tests.conftest import with_database
from tests.dags.test_news_etl import REPO_ROOT, is_expected_on


@pytest.fixture
def metadata_url(server_url: str) -> Iterator[str]:
    """A fresh, empty Postgres database for Airflow's metadata, dropped afterwards."""
    name = f"airflow_e2e_{uuid.uuid4().hex[:12]}"
    admin = connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield with_database(server_url, name)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
    admin.close()


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
            pytest.fail(f"could not install chromium with apt-get (run as root, or install it):\n{done.stderr}")
    return CHROMIUM
