"""``make airflow`` started as a user starts it, for the end-to-end tests that must see what a user sees.

``LocalAirflow`` runs ``make airflow`` from the repository root with the user's environment, only moved: a
data directory of its own (so the embedded warehouse and Airflow's home are the test's) and free ports for
everything that listens. It reads the console as a user does: the banner gives the UI's address and the
admin password, the warehouse line the warehouse's URL.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

from tests.e2e.airflow_cluster import free_port
from tests.factories import REPO_ROOT, clean_environment

BANNER = re.compile(r"Airflow UI: (http://127\.0\.0\.1:\d+) \(user admin, password (\S+)\)")
WAREHOUSE = re.compile(r"newsetl \| warehouse: (\S+)")
READY_TIMEOUT_S = 600
# What the issue asks of Ctrl-C and SIGTERM: everything `make airflow` started is gone within this many seconds.
STOP_LIMIT_S = 30


@dataclass
class LocalAirflow:
    """One ``make airflow`` process (and its process group), with the console it printed."""

    data_dir: Path
    ports: dict[str, int]
    process: subprocess.Popen[bytes] | None = None
    base_url: str = ""
    password: str = ""
    warehouse_url: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def console_path(self) -> Path:
        return self.data_dir / "console.log"

    def console(self) -> str:
        return self.console_path.read_text(errors="replace") if self.console_path.exists() else ""

    def environment(self) -> dict[str, str]:
        """The caller's environment minus any Airflow or newsetl setting, plus the documented moves."""
        env = clean_environment()
        env.update(
            NEWSETL_DATA_DIR=str(self.data_dir),
            AIRFLOW_PORT=str(self.ports["api"]),
            AIRFLOW_WORKER_LOG_PORT=str(self.ports["worker_logs"]),
            AIRFLOW_TRIGGER_LOG_PORT=str(self.ports["trigger_logs"]),
            NEWSETL_DEMO_SITE_URL=f"http://127.0.0.1:{self.ports['demo_site']}",
        )
        return env

    def start(self) -> None:
        """``make airflow`` in a process group of its own, as a terminal runs a foreground job."""
        with self.console_path.open("wb") as console:
            self.process = subprocess.Popen(
                ["make", "airflow"],
                cwd=REPO_ROOT,
                env=self.environment(),
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def wait_until_ready(self) -> None:
        """Wait for the banner; then log in to the REST API with the password it printed."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while (match := BANNER.search(self.console())) is None:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"make airflow exited {self.process.returncode}:\n{self.diagnostics()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no UI banner after {READY_TIMEOUT_S} s:\n{self.diagnostics()}")
            time.sleep(1)
        self.base_url, self.password = match.group(1), match.group(2)
        warehouse = WAREHOUSE.search(self.console())
        assert warehouse is not None, self.console()
        self.warehouse_url = warehouse.group(1)
        token = self.session.post(
            f"{self.base_url}/auth/token", json={"username": "admin", "password": self.password}, timeout=30
        )
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.base_url}/api/v2{path}", timeout=60, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json()

    def health(self) -> dict[str, str | None]:
        health = self.session.get(f"{self.base_url}/api/v2/monitor/health", timeout=30).json()
        return {part: (value or {}).get("status") for part, value in health.items()}

    def started_processes(self) -> list[psutil.Process]:
        """``make`` and every process below it right now."""
        assert self.process is not None
        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def component(self, name: str) -> psutil.Process:
        """The process running ``airflow <name>``: a direct child of the launcher script."""
        for process in self.started_processes():
            with contextlib.suppress(psutil.Error):
                if any(part.endswith("scripts/airflow_local.py") for part in process.cmdline()):
                    for child in process.children():
                        if child.cmdline()[-1:] == [name]:
                            return child
        raise AssertionError(f"no process runs airflow {name}:\n{self.diagnostics()}")

    def wait_stopped(self, processes: list[psutil.Process], limit: float = STOP_LIMIT_S) -> float:
        """Seconds until ``make`` (``processes[0]``) and every other process in ``processes`` have exited;
        fails past ``limit``."""
        assert self.process is not None
        started = time.monotonic()
        try:
            self.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"make airflow still runs {limit} s after the stop\n{self.diagnostics()}") from None
        _gone, alive = psutil.wait_procs(processes[1:], timeout=max(0.1, limit - (time.monotonic() - started)))
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if alive:
            raise AssertionError(
                f"still running {limit} s after the stop: {[' '.join(p.cmdline()) for p in alive]}\n"
                + self.diagnostics()
            )
        return time.monotonic() - started

    def ports_free(self) -> list[int]:
        """The ports of ``self.ports`` that nothing listens on any more."""
        free = []
        for port in self.ports.values():
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) != 0:
                    free.append(port)
        return free

    def kill_everything(self) -> None:
        """Last resort after a failed test: SIGKILL whatever is still running."""
        if self.process is None:
            return
        with contextlib.suppress(psutil.Error):
            for process in self.started_processes():
                with contextlib.suppress(psutil.Error):
                    process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        pg = self.data_dir / "pg"
        if (pg / "postmaster.pid").exists():
            subprocess.run(
                [str(REPO_ROOT / ".venv" / "bin" / "python"), "-m", "etl", "stop-warehouse"],
                env=self.environment(),
                cwd=REPO_ROOT,
                capture_output=True,
                check=False,
                timeout=60,
            )

    def diagnostics(self) -> str:
        parts = [f"===== console =====\n{self.console()[-6000:]}"]
        for path in sorted((self.data_dir / "airflow" / "logs").glob("*.log")):
            parts.append(f"===== {path.name} =====\n{path.read_text(errors='replace')[-3000:]}")
        task_logs = sorted((self.data_dir / "airflow" / "logs").rglob("attempt=*.log"))
        for path in task_logs[-6:]:
            parts.append(f"===== {path.relative_to(self.data_dir)} =====\n{path.read_text(errors='replace')[-2000:]}")
        return "\n".join(parts)


def new_local_airflow() -> LocalAirflow:
    """A ``LocalAirflow`` with a fresh, short data directory (the warehouse's Unix socket lives there, and
    socket paths are limited to about 100 bytes) and free ports."""
    data_dir = Path(tempfile.mkdtemp(prefix="newsetl-e2e-", dir="/tmp"))
    ports = {name: free_port() for name in ("api", "worker_logs", "trigger_logs", "demo_site")}
    return LocalAirflow(data_dir, ports)


def remove(local: LocalAirflow) -> None:
    local.kill_everything()
    shutil.rmtree(local.data_dir, ignore_errors=True)
