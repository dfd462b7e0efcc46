"""Airflow configured for a throwaway home before any plugin module imports it (see tests/dags)."""

from tests.dags.test_news_etl import airflow_env, dagbag  # noqa: F401 (fixtures, registered by import)
