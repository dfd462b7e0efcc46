"""``docker-compose.yml`` and ``Dockerfile``: checked by reading them (no Docker engine runs here)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
AIRFLOW_SERVICES = (
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_has_every_service(compose: dict) -> None:
    assert set(compose["services"]) >= {"warehouse", "airflow-db", "redis", "demo-site", *AIRFLOW_SERVICES}


def test_airflow_services_share_one_image_and_celery_setup(compose: dict) -> None:
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert service["image"] == "newsetl-airflow:latest", name
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis", name
        assert urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]).hostname == "airflow-apiserver", name


def test_warehouse_and_metadata_are_separate_databases(compose: dict) -> None:
    env = compose["services"]["airflow-scheduler"]["environment"]
    warehouse = urlsplit(env["NEWSETL_DATABASE_URL"])
    metadata = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert warehouse.hostname == "warehouse"
    assert metadata.hostname == "airflow-db"
    db_env = compose["services"]["warehouse"]["environment"]
    assert (warehouse.username, warehouse.password, warehouse.path) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        "/" + db_env["POSTGRES_DB"],
    )
    assert urlsplit(env["AIRFLOW_CONN_NEWSETL_WAREHOUSE"]).hostname == "warehouse"


def test_init_migrates_the_warehouse_once_before_airflow_starts(compose: dict) -> None:
    init = compose["services"]["airflow-init"]
    assert "python -m etl migrate" in " ".join(init["command"])
    for name in AIRFLOW_SERVICES[1:]:
        assert compose["services"][name]["depends_on"]["airflow-init"]["condition"] == (
            "service_completed_successfully"
        ), name


def test_image_carries_the_library_sql_and_dags() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM apache/airflow:3.3.2" in dockerfile
    for line in ("COPY --chown=airflow:root etl ", "COPY --chown=airflow:root sql ", "COPY --chown=airflow:root dags "):
        assert line in dockerfile
    assert "requirements.txt" in dockerfile
