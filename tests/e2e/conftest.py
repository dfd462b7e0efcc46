"""Fixtures of the end-to-end tests: a throwaway Airflow metadata database, Chromium, a Redis broker and a
LocalExecutor Airflow cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from etl.demo_site.server import RunningSite
from tests.e2e.airflow_cluster import AirflowCluster, airflow_environment, free_port, started_cluster
from tests.factories import throwaway_database


@pytest.fixture
def metadata_url(server_url: str) -> Iterator[str]:
    """A fresh, empty Postgres database for Airflow's metadata, dropped afterwards."""
    with throwaway_database(server_url, "airflow_e2e", migrated=False) as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")


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
