"""``docker-compose.yml`` and ``Dockerfile``, checked by reading them (no Docker engine runs here).

The compose file must parse, reference only services and volumes it defines, build one image from this
repository for every Airflow service, use only environment names that Airflow or ``etl.config`` read,
run CeleryExecutor, mount ``dags/`` and ``plugins/``, and define the warehouse Connection.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from etl.config import FetchSettings, QualitySettings, ScheduleSettings, load_settings
from tests.factories import REPO_ROOT

AIRFLOW_SERVICES = (
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
LONG_RUNNING = ("warehouse", "airflow-db", "redis", "demo-site", *AIRFLOW_SERVICES[1:])
DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def resolve(value: Any) -> Any:
    """A compose value as Compose would run it with no variables set: ``${X:-d}`` is d, ``$$`` is ``$``."""
    if isinstance(value, str):
        return DEFAULTED.sub(lambda m: m.group(2), value).replace("$$", "$")
    if isinstance(value, list):
        return [resolve(item) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item) for key, item in value.items()}
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return resolve(yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text()))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def newsetl_names() -> set[str]:
    """Every ``NEWSETL_*`` variable ``etl.config.load_settings`` reads."""
    text = (REPO_ROOT / "etl" / "config.py").read_text()
    names = set(re.findall(r'"(NEWSETL_[A-Z_]+)"', text))
    for prefix, group in (("FETCH", FetchSettings), ("QUALITY", QualitySettings), ("SCHEDULE", ScheduleSettings)):
        names |= {f"NEWSETL_{prefix}_{f.name.upper()}" for f in fields(group)}
    return names


def airflow_options() -> set[tuple[str, str]]:
    """(section, option) of every option of Airflow core and the Celery provider."""
    spec = importlib.util.find_spec("airflow")  # found, not imported: importing would configure Airflow
    assert spec is not None and spec.origin is not None
    package = Path(spec.origin).parent
    core = yaml.safe_load((package / "config_templates" / "config.yml").read_text())
    options = {(section, name) for section, body in core.items() for name in body["options"]}
    info_spec = importlib.util.spec_from_file_location(
        "celery_provider_info", package / "providers" / "celery" / "get_provider_info.py"
    )
    assert info_spec is not None and info_spec.loader is not None
    celery_info = importlib.util.module_from_spec(info_spec)
    info_spec.loader.exec_module(celery_info)
    for section, body in celery_info.get_provider_info()["config"].items():
        options |= {(section, name) for name in body["options"]}
    return options


def test_parses_with_every_service(services: dict[str, Any]) -> None:
    assert set(services) >= {"warehouse", "airflow-db", "redis", "demo-site", *AIRFLOW_SERVICES}


def test_references_only_services_and_volumes_it_defines(compose: dict[str, Any], services: dict[str, Any]) -> None:
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (REPO_ROOT / source).is_dir(), (name, volume)
            else:
                assert source in compose["volumes"], (name, volume)


def test_airflow_services_build_one_image_from_this_repository(services: dict[str, Any]) -> None:
    images = {(services[name]["image"], services[name]["build"]) for name in AIRFLOW_SERVICES}
    assert images == {("newsetl-airflow:latest", ".")}
    assert (REPO_ROOT / "Dockerfile").is_file()


def test_image_is_the_pinned_airflow_with_the_library_sql_dags_and_plugins() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    pinned = re.search(r"^apache-airflow==(\S+)$", (REPO_ROOT / "requirements.txt").read_text(), re.M)
    assert pinned is not None
    assert f"FROM apache/airflow:{pinned.group(1)}-python3.11" in dockerfile
    assert "-r /opt/newsetl/requirements.txt" in dockerfile
    for source, target in (("etl", "/opt/newsetl/etl"), ("sql", "/opt/newsetl/sql")):
        assert f"COPY --chown=airflow:root {source} {target}" in dockerfile
    for folder in ("dags", "plugins"):
        assert f"COPY --chown=airflow:root {folder} /opt/airflow/{folder}" in dockerfile
    assert "ENV PYTHONPATH=/opt/newsetl" in dockerfile


def test_every_airflow_service_runs_celery_and_mounts_dags_and_plugins(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis", name
        assert urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]).hostname == "airflow-apiserver", name
        assert env["AIRFLOW__CELERY__TASK_ACKS_LATE"] == "true", name
        assert "./dags:/opt/airflow/dags" in services[name]["volumes"], name
        assert "./plugins:/opt/airflow/plugins" in services[name]["volumes"], name


def test_environment_names_are_settings_the_code_reads(services: dict[str, Any]) -> None:
    known_newsetl = newsetl_names()
    known_airflow = airflow_options()
    for name, service in services.items():
        for variable in service.get("environment", {}):
            if variable.startswith("NEWSETL_"):
                assert variable in known_newsetl, (name, variable)
            elif variable.startswith("AIRFLOW__"):
                _, section, option = variable.lower().split("__", 2)
                assert (section, option) in known_airflow, (name, variable)


def test_warehouse_is_a_connection_to_the_warehouse_service(services: dict[str, Any]) -> None:
    conn_id = re.search(r'WAREHOUSE_CONN_ID = "(\w+)"', (REPO_ROOT / "plugins" / "newsetl_airflow.py").read_text())
    assert conn_id is not None
    db = services["warehouse"]["environment"]
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        for url in (env[f"AIRFLOW_CONN_{conn_id.group(1).upper()}"], env["NEWSETL_DATABASE_URL"]):
            parts = urlsplit(url)
            assert (parts.hostname, parts.username, parts.password, parts.path) == (
                "warehouse",
                db["POSTGRES_USER"],
                db["POSTGRES_PASSWORD"],
                "/" + db["POSTGRES_DB"],
            ), name
        metadata = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert metadata.hostname == "airflow-db", name


def test_init_migrates_both_databases_creates_the_user_and_pool_before_airflow_starts(
    services: dict[str, Any],
) -> None:
    script = services["airflow-init"]["command"][-1]
    for step in ("airflow db migrate", "passwords.json", "python -m etl migrate"):
        assert step in script
    assert 'airflow pools set "${NEWSETL_SCHEDULE_POOL}" "${NEWSETL_SCHEDULE_POOL_SLOTS}"' in script
    common = services["airflow-scheduler"]["environment"]
    assert common["NEWSETL_SCHEDULE_POOL"] == load_settings({}).schedule.pool  # the default, interpolated
    for name in AIRFLOW_SERVICES[1:]:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully", name


def test_long_running_services_have_healthchecks_and_workers_scale(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
    worker = services["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker
