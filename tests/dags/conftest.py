"""Fixtures shared by the DAG tests."""

from __future__ import annotations

import sys

import pytest

from tests.dags.airflow_runs import run_logged


@pytest.fixture(scope="session")
def airflow_metadata_env(airflow_env: dict[str, str]) -> dict[str, str]:
    """``airflow_env`` with its SQLite metadata database migrated, once for every DAG test module."""
    run_logged([sys.executable, "-m", "airflow", "db", "migrate"], env=airflow_env, timeout=300)
    return airflow_env
