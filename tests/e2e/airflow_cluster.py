"""A real Airflow 3 for end-to-end tests: its processes, its REST API, and what it logged when a test fails.

``AirflowCluster`` runs each component (``api-server``, ``scheduler``, ``dag-processor``, Celery workers)
as its own process group with a throwaway ``AIRFLOW_HOME``, free ports and a Postgres metadata database,
configured by environment alone, as a deployment is. Requests go through the public REST API with a JWT
from the simple auth manager's ``POST /auth/token``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import requests

from tests.factories import DAGS_FOLDER, PLUGINS_FOLDER, clean_environment, repo_pythonpath

ADMIN = ("admin", "admin-e2e")
DAG_ID = "news_etl"
# How Airflow's task runner titles the process running a task instance: this prefix and the instance's id.
TASK_PROCESS_TITLE = "airflow worker --"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_environment(home: Path, port: int, metadata_url: str, warehouse_url: str, demo_url: str) -> dict[str, str]:
    """Every Airflow and newsetl setting of the cluster; nothing is inherited from the caller's AIRFLOW_*."""
    env = clean_environment()
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({ADMIN[0]: ADMIN[1]}))
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(PLUGINS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="8",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{ADMIN[0]}:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(passwords),
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=metadata_url.replace("postgresql://", "postgresql+psycopg2://", 1),
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__API__SECRET_KEY=secrets.token_hex(16),
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
        AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
        AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="10",
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="2",
        AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
        # The warehouse as Airflow users configure it: a Connection (NEWSETL_DATABASE_URL stays unset).
        AIRFLOW_CONN_NEWSETL_WAREHOUSE=warehouse_url,
        NEWSETL_DEMO_SITE_URL=demo_url,
        NEWSETL_DATA_DIR=str(home / "newsetl"),
        NEWSETL_FETCH_RETRIES="1",
        NEWSETL_FETCH_BACKOFF_S="0.0",
        NEWSETL_FETCH_CONNECT_TIMEOUT_S="2.0",
        NEWSETL_FETCH_READ_TIMEOUT_S="5.0",
        NEWSETL_SCHEDULE_RETRY_DELAY_S="5",
        NEWSETL_SCHEDULE_MAX_RETRY_DELAY_S="10",
        PYTHONPATH=repo_pythonpath(),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    return env


def celery_environment(env: dict[str, str], metadata_url: str, queue: str, broker_url: str) -> dict[str, str]:
    """``env`` switched to CeleryExecutor: Redis at ``broker_url`` as broker, results in the metadata database.

    Tasks are acknowledged late (the provider's default, stated here) and Redis hands an unacknowledged
    task to another worker after ``visibility_timeout`` seconds, so a task whose worker died is redelivered.
    """
    return {
        **env,
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__CELERY__TASK_ACKS_LATE": "True",
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "30",
        # A queue of this test's own, so no other Airflow on the same Redis takes its tasks.
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        # A task whose worker died is failed (then retried) after this many seconds without a heartbeat.
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    }


@dataclass
class AirflowCluster:
    """Airflow's processes for one test, and a logged-in REST client once ``wait_until_ready`` returns."""

    home: Path
    env: dict[str, str]
    port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def airflow(self, *args: str, timeout: float = 300) -> str:
        """Run one ``airflow`` CLI command to completion; its output, or a failure showing that output."""
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"airflow {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start ``airflow <args>`` as process ``name`` in its own process group, logging to a file."""
        log = (self.home / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            cwd=self.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL process ``name`` and every process it started, as when its machine dies."""
        process = self.processes.pop(name)
        tree = psutil.Process(process.pid).children(recursive=True)
        os.killpg(process.pid, signal.SIGKILL)
        for child in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        process.wait(timeout=30)

    def running_task_ids(self, name: str) -> set[str]:
        """Ids of the task instances whose task process runs under process ``name`` right now."""
        ids = set()
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.processes[name].pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    title = " ".join(child.cmdline())
                    if title.startswith(TASK_PROCESS_TITLE):
                        ids.add(title.removeprefix(TASK_PROCESS_TITLE).strip())
        return ids

    def stop(self) -> None:
        """SIGTERM every process group this cluster started, then SIGKILL what is left after 30 s."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def wait_until_ready(self, timeout: float = 300) -> None:
        """Wait for the API server and for the DAG to be parsed, then log in."""
        wait_for(lambda: self._answers("/api/v2/monitor/health"), timeout, "the API server to answer", self)
        token = self.session.post(
            f"{self.base_url}/auth/token", json={"username": ADMIN[0], "password": ADMIN[1]}, timeout=30
        )
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        wait_for(lambda: self._answers(f"/api/v2/dags/{DAG_ID}"), timeout, "news_etl to be parsed", self)

    def _answers(self, path: str) -> bool:
        try:
            return self.session.get(self.base_url + path, timeout=10).status_code == 200
        except requests.ConnectionError:
            return False

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.base_url}/api/v2{path}", timeout=60, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json()

    def unpause(self, dag_id: str) -> None:
        self.api("PATCH", f"/dags/{dag_id}", json={"is_paused": False})

    def create_backfill(
        self, first: date, last: date, reprocess: str = "none", conf: dict[str, Any] | None = None
    ) -> int:
        """``POST /api/v2/backfills`` for the logical dates ``first`` to ``last`` (``conf``: the runs' params);
        the backfill's id."""
        body = {
            "dag_id": DAG_ID,
            "from_date": f"{first.isoformat()}T00:00:00Z",
            "to_date": f"{last.isoformat()}T00:00:00Z",
            "reprocess_behavior": reprocess,
            "max_active_runs": 3,
            "dag_run_conf": conf or {},
        }
        return self.api("POST", "/backfills", json=body)["id"]

    def wait_for_backfill(self, backfill_id: int, timeout: float = 900) -> list[dict[str, Any]]:
        """Wait until the backfill completed; its runs (state, logical date), failing if one did not succeed."""
        wait_for(
            lambda: self.api("GET", f"/backfills/{backfill_id}")["completed_at"] is not None,
            timeout,
            f"backfill {backfill_id} to complete",
            self,
        )
        runs = [
            run
            for run in self.api("GET", f"/dags/{DAG_ID}/dagRuns", params={"limit": 100})["dag_runs"]
            if run["run_type"] == "backfill"
        ]
        if any(run["state"] != "success" for run in runs):
            raise AssertionError(f"backfill runs did not all succeed: {runs}\n{self.diagnostics()}")
        return runs

    def task_instances(self, run_id: str) -> list[dict[str, Any]]:
        path = f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances"
        return self.api("GET", path, params={"limit": 100})["task_instances"]

    def diagnostics(self, tail: int = 8000) -> str:
        """The end of every component's log and of every task log, to read when a test fails."""
        parts = []
        for path in sorted(self.home.glob("*.log")):
            parts.append(f"===== {path.name} =====\n{path.read_text(errors='replace')[-tail:]}")
        for path in sorted((self.home / "logs").rglob("*.log"))[-20:]:
            parts.append(f"===== {path.relative_to(self.home)} =====\n{path.read_text(errors='replace')[-tail // 4 :]}")
        return "\n".join(parts)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, cluster: AirflowCluster) -> None:
    """Poll ``condition`` every 2 s; on timeout fail with the cluster's logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for name, process in cluster.processes.items():
            if process.poll() is not None:
                raise AssertionError(
                    f"{name} exited {process.returncode} while waiting for {what}\n{cluster.diagnostics()}"
                )
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{cluster.diagnostics()}")


def prepare(cluster: AirflowCluster, pool_slots: int = 4) -> None:
    """Migrate the metadata database and create the load pool, as the compose init service does."""
    cluster.airflow("db", "migrate", timeout=600)
    cluster.airflow("pools", "set", "newsetl_sources", str(pool_slots), "newsetl: concurrent source loads")


@dataclass(frozen=True)
class Timing:
    """Wall time of a test's phases, printed with ``-s`` or on failure."""

    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def started_cluster(cluster: AirflowCluster, *components: tuple[str, ...]) -> Iterator[AirflowCluster]:
    """Start ``components`` (name, args...) after ``prepare``; stop them all afterwards."""
    try:
        prepare(cluster)
        for name, *args in components:
            cluster.start(name, *args)
        cluster.wait_until_ready()
        yield cluster
    finally:
        cluster.stop()
