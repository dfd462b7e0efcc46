"""Builders shared by the tests: throwaway databases, demo-site truths, settings and rows to compare.

One module, so test modules never import each other for a helper. Fixtures stay in the ``conftest.py`` that
covers the tests using them; they build on what is here.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from psycopg2 import sql

from etl.config import FetchSettings, Settings
from etl.records import Article, FetchedPage, Interval, Source
from etl.warehouse.connection import connect, url_with_database
from etl.warehouse.load import register_source
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import migration_files, query

if TYPE_CHECKING:
    import psycopg2.extensions

    from etl.demo_site.content import ArticleTruth, DemoSite
    from etl.demo_site.server import RunningSite

logger = logging.getLogger(__name__)


# The repository, as subprocesses, make and Airflow see it.

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The checkout's root directory: where ``make``, ``python -m etl`` and Airflow's processes run."""


def repo_pythonpath() -> str:
    """``PYTHONPATH`` for a subprocess: this checkout first, then the caller's own entries."""
    return os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))


# The seed article: a BelTA report whose last four lines repeat earlier ones, as tests/fixtures holds it.

SEED_FILE = REPO_ROOT / "tests" / "fixtures" / "seed-belta-htp-karamay.txt"
"""The seed article's text, one paragraph a line, with its repeats."""
SEED_LINES = [line for line in SEED_FILE.read_text("utf-8").splitlines() if line.strip()]
"""Every non-blank line of the seed article, repeats included (nine)."""
SEED_PARAGRAPHS = SEED_LINES[:5]
"""The seed article's five distinct paragraphs, in order: what extraction and the warehouse must keep."""


# The days the tests load: the demo site publishes from 2025-05-12 for a week.

DAY = date(2025, 5, 15)
"""The UTC day most tests load."""
MAY_15 = Interval(datetime(2025, 5, 15, tzinfo=UTC), datetime(2025, 5, 16, tzinfo=UTC))
"""``DAY`` as a run's interval."""
MAY_16 = Interval(datetime(2025, 5, 16, tzinfo=UTC), datetime(2025, 5, 17, tzinfo=UTC))
"""The day after ``DAY`` as a run's interval."""
BACKFILL_DAYS = [date(2025, 5, 14), date(2025, 5, 15), date(2025, 5, 16)]
"""The three days the end-to-end tests backfill through Airflow."""


# Demo-site truths: what a load of the demo site must hold.

DEMO_ARTICLE_BASE = "http://127.0.0.1:8765"
"""Where the warehouse files the demo site's pages whatever port a test serves it on: the demo sources'
``canonical_base_url`` (etl/sources.toml). ``DEMO_ARTICLE_BASE + path`` is a demo article's ``articles.url``."""


def is_expected_on(day: date, truth: ArticleTruth) -> bool:
    """Whether a demo article belongs to ``day``'s load: published that UTC day, served, and allowed."""
    return truth.published_at.astimezone(UTC).date() == day and truth.status == 200 and not truth.robots_disallowed


def expected_paths(site: DemoSite, days: list[date]) -> list[str]:
    """The demo site's ground truth: sorted URL paths of the articles a load of ``days`` must hold."""
    return sorted(truth.path for truth in site.articles() if any(is_expected_on(day, truth) for day in days))


# Records built by hand: a source, its articles and fetched pages, and a run to load them in.

SOURCE = Source(name="test-src", base_url="http://example.test/", language="de")
"""The source of every hand-built article and page."""
FETCHED = datetime(2025, 5, 15, 12, 0, tzinfo=UTC)
"""When hand-built articles and pages were fetched."""


def make_article(url: str, paragraphs: tuple[str, ...], **changes: object) -> Article:
    """An article of ``SOURCE`` with ``paragraphs`` and text that is hard to copy (tabs, quotes, backslashes)."""
    article = Article(
        source=SOURCE.name,
        url=url,
        title='Tab\there, "quoted" and back\\slash',
        published_at=datetime(2025, 5, 15, 9, 30, tzinfo=UTC),
        language="de",
        authors=('Anna "Ann" Muster', "Back\\Slash, Jr."),
        section="economics",
        fetched_at=FETCHED,
        paragraphs=paragraphs,
    )
    return replace(article, **changes)


def fetched_page(url: str, body: bytes) -> FetchedPage:
    """A page of ``SOURCE`` fetched from ``url`` with status 200 and an HTML ``body``."""
    return FetchedPage(
        source=SOURCE.name,
        requested_url=url,
        final_url=url,
        status=200,
        content=body,
        content_type="text/html; charset=utf-8",
        fetched_at=FETCHED,
        elapsed_s=0.0,
    )


def start_run(conn: psycopg2.extensions.connection) -> int:
    """Register ``SOURCE`` and start a run of it for ``DAY`` (uncommitted); the run's id."""
    register_source(conn, SOURCE)
    with conn.cursor() as cur:
        cur.execute(
            query("start_run"),
            {
                "source_name": SOURCE.name,
                "interval_start": MAY_15.start,
                "interval_end": MAY_15.end,
                "dag_run_id": None,
            },
        )
        return cur.fetchone()[0]


# Warehouse databases: a throwaway one per use, emptied between tests, and settings that point at them.

DATA_TABLES = (
    "warc_captures",
    "warc_imports",
    "article_captures",
    "article_search",
    "article_duplicates",
    "paragraph_near_duplicates",
    "paragraph_bands",
    "paragraph_lsh_pending",
    "boilerplate_paragraphs",
    "daily_source_stats_snapshot",
    "fetch_failures",
    "page_fetches",
    "page_bodies",
    "article_paragraphs",
    "paragraphs",
    "articles",
    "pipeline_runs",
    "sources",
)
"""Every table that holds data (not schema): what ``empty_data_tables`` truncates."""


@contextmanager
def throwaway_database(server_url: str, prefix: str, *, migrated: bool = True, keep: bool = False) -> Iterator[str]:
    """A new database named ``<prefix>_<random>`` on the server behind ``server_url``, migrated unless told
    not to, and dropped on exit unless ``keep``: what tests and benchmarks run against."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = connect(server_url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        url = url_with_database(server_url, name)
        if migrated:
            conn = connect(url)
            try:
                migrate(conn)
            finally:
                conn.close()
        yield url
    finally:
        if keep:
            logger.info("kept database %s", name)
        else:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()


def empty_data_tables(url: str) -> None:
    """Empty every data table (schema and migrations kept)."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            tables = sql.SQL(", ").join(sql.Identifier(t) for t in DATA_TABLES)
            cur.execute(sql.SQL("truncate {} restart identity cascade").format(tables))
    finally:
        conn.close()


def settings_for(database_url: str, demo_site: RunningSite, data_dir: Path) -> Settings:
    """Settings for a pipeline run against ``database_url`` and the demo site, with quick retries."""
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        demo_site_url=demo_site.base_url,
        fetch=FetchSettings(retries=1, backoff_s=0.0, retry_after_max_s=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )


# Warehouse rows: what a load left, read back to compare.


def stored_paragraphs(conn: psycopg2.extensions.connection, url: str) -> list[str]:
    """The warehouse's text of the article at ``url``: its paragraphs in position order."""
    with conn.cursor() as cur:
        cur.execute(
            "select p.text from articles a join article_paragraphs ap using (article_id) "
            "join paragraphs p using (paragraph_key) where a.url = %s order by ap.position",
            (url,),
        )
        return [row[0] for row in cur]


def query_rows(database_url: str, statement: str, params: tuple = ()) -> list[tuple]:
    """All rows of ``statement`` in the database at ``database_url``, on a connection of its own."""
    conn = connect(database_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()
    finally:
        conn.close()


def warehouse_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every row of the article tables, in a stable order, to compare two loads."""
    statements = {
        "articles": "select * from articles order by url",
        "paragraphs": "select * from paragraphs order by paragraph_key",
        "article_paragraphs": "select * from article_paragraphs order by article_id, position",
    }
    return {table: query_rows(database_url, statement) for table, statement in statements.items()}


def loaded_paths(database_url: str) -> list[str]:
    """Sorted URL paths of every row in ``articles``, duplicates kept so an article loaded twice shows."""
    return sorted(urlsplit(url).path for (url,) in query_rows(database_url, "select url from articles"))


def run_audit(database_url: str, days: list[date]) -> list[tuple]:
    """(interval day, status, quality passed, number of runs) of ``pipeline_runs`` of ``days``, per outcome."""
    return query_rows(
        database_url,
        "select (interval_start at time zone 'UTC')::date, status, quality_passed, count(*) "
        "from pipeline_runs where (interval_start at time zone 'UTC')::date = any(%s) "
        "group by 1, 2, 3 order by 1, 2, 3",
        (days,),
    )


def stats_days(database_url: str) -> list[date]:
    """The days ``daily_source_stats_snapshot`` holds articles for (a day with only failures has a row too)."""
    rows = query_rows(
        database_url, "select distinct day from daily_source_stats_snapshot where articles > 0 order by day"
    )
    return [day for (day,) in rows]


# Airflow environment: the folders it reads and the environment it starts from.

DAGS_FOLDER = REPO_ROOT / "dags"
"""Our DAG files, the only ones Airflow parses in the tests."""
PLUGINS_FOLDER = REPO_ROOT / "plugins"
"""Our Airflow plugins (the timetable and the warehouse hook)."""


def clean_environment() -> dict[str, str]:
    """The caller's environment minus every ``AIRFLOW*`` and ``NEWSETL_*`` variable: no setting leaks in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSETL_"))}


def migrations_before(directory: Path, version: str) -> Path:
    """A copy of the migration files numbered below ``version``, in ``directory``: a warehouse as it was."""
    before = directory / "migrations"
    before.mkdir()
    for path in migration_files():
        if path.name < version:
            shutil.copy(path, before / path.name)
    return before
