"""``make airflow``: a local Airflow 3 running this project's DAGs, supervised, on PostgreSQL.

Starts, in this order, and says so on the console:

1. the warehouse: ``NEWSETL_DATABASE_URL``, else the embedded PostgreSQL in ``<NEWSETL_DATA_DIR>/pg``;
   its migrations are applied;
2. Airflow's metadata database: ``NEWSETL_AIRFLOW_DATABASE_URL``, else a second database,
   ``newsetl_airflow``, on the warehouse's server. PostgreSQL, never SQLite: backfills, reprocess
   backfills and the nightly run overlap here as they do in production, and SQLite's single writer made
   backfill creation fail and the scheduler die (``StaleDataError``);
3. the pool the loads run in, and the demo site at ``NEWSETL_DEMO_SITE_URL``;
4. ``airflow api-server``, ``scheduler``, ``dag-processor`` and ``triggerer`` (LocalExecutor), each in a
   process group of its own with its output in ``<AIRFLOW_HOME>/logs/<component>.log``.

Then it watches them. A component that exits, or a scheduler the API reports unhealthy for
``UNHEALTHY_LIMIT_S``, is reported loudly with the end of its log and everything is stopped: a UI that looks
alive over a dead scheduler is worse than no UI. SIGINT (Ctrl-C) and SIGTERM stop every process this
script started (and the embedded warehouse, when this script started it) within ``STOP_TIMEOUT_S``; so does
the death of the process that launched it (``make``, killed on its own).

Reads (every port it opens moves with one of these):
    AIRFLOW_PORT                  API server and UI (default 8080)
    AIRFLOW_WORKER_LOG_PORT       the scheduler's task-log server (default 8793)
    AIRFLOW_TRIGGER_LOG_PORT      the triggerer's log server (default 8794)
    NEWSETL_DEMO_SITE_URL         the demo site (default http://127.0.0.1:8765), as for ``make demo``
    NEWSETL_DATA_DIR              local state (default .newsetl): Airflow's home is ``<it>/airflow``
    NEWSETL_DATABASE_URL          the warehouse (default: the embedded PostgreSQL)
    NEWSETL_AIRFLOW_DATABASE_URL  Airflow's metadata database (default: see 2.)
    NEWSETL_SCHEDULE_POOL, NEWSETL_SCHEDULE_POOL_SLOTS  the load pool's name and slots (newsetl_sources, 4)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from etl.config import ConfigError, Settings, load_settings  # noqa: E402 (after the path above)
from etl.warehouse.connection import ensure_database, url_with_database  # noqa: E402
from etl.warehouse.embedded import local_warehouse_url, stop_embedded  # noqa: E402
from etl.warehouse.migrate import migrate_database  # noqa: E402

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
METADATA_DATABASE = "newsetl_airflow"
STOP_TIMEOUT_S = 20.0
UNHEALTHY_LIMIT_S = 90.0
READY_TIMEOUT_S = 600.0
LOG_TAIL_LINES = 40
# Parts of GET /api/v2/monitor/health that must be healthy before the UI is announced, and while it runs.
READY_PARTS = ("metadatabase", "scheduler", "dag_processor", "triggerer")
WATCHED_PARTS = ("scheduler", "dag_processor", "triggerer")


def say(message: str) -> None:
    print(f"newsetl | {message}", flush=True)


def shout(message: str) -> None:
    """A message a user must not miss: framed, on stderr."""
    bar = "!" * 100
    print(f"\n{bar}\nnewsetl | {message}\n{bar}\n", file=sys.stderr, flush=True)


@dataclass
class Ports:
    """Every TCP port this script makes something listen on, with the variable that moves it."""

    api: int
    worker_logs: int
    trigger_logs: int
    demo_site: int

    @classmethod
    def from_environment(cls, settings: Settings) -> Ports:
        demo = urlsplit(settings.demo_site_url)
        return cls(
            api=_port("AIRFLOW_PORT", 8080),
            worker_logs=_port("AIRFLOW_WORKER_LOG_PORT", 8793),
            trigger_logs=_port("AIRFLOW_TRIGGER_LOG_PORT", 8794),
            demo_site=demo.port or 80,
        )

    def check_free(self) -> None:
        """Refuse to start when ports are taken, naming every one and the variable that moves it."""
        taken = []
        for port, variable in (
            (self.api, "AIRFLOW_PORT"),
            (self.worker_logs, "AIRFLOW_WORKER_LOG_PORT"),
            (self.trigger_logs, "AIRFLOW_TRIGGER_LOG_PORT"),
            (self.demo_site, "NEWSETL_DEMO_SITE_URL"),
        ):
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    taken.append(f"{port} (set {variable})")
        if taken:
            raise ConfigError(f"ports taken: {', '.join(taken)}; stop what uses them or move them")


def hold_home(home: Path) -> int:
    """Lock ``home`` for this process (released when it exits): two ``make airflow`` on one data directory
    would share one Airflow database and log folder. Returns the lock's file descriptor, kept open."""
    descriptor = os.open(home / "make-airflow.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(descriptor)
        raise ConfigError(
            f"make airflow already runs with the data directory {home.parent}: use that one, stop it (Ctrl-C), "
            "or give a second one its own NEWSETL_DATA_DIR and ports"
        ) from exc
    return descriptor


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "")
    try:
        port = int(raw) if raw else default
    except ValueError as exc:
        raise ConfigError(f"{variable}={raw!r} is not a port number") from exc
    if not 0 < port < 65536:
        raise ConfigError(f"{variable}={port} is not a port number (1-65535)")
    return port


@dataclass
class Component:
    """One supervised process: its command, its log file, the last lines it wrote."""

    name: str
    argv: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_TAIL_LINES))

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            self.argv,
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        threading.Thread(target=self._copy_output, name=f"{self.name}-output", daemon=True).start()

    def _copy_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with self.log_path.open("ab") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                self.tail.append(line.decode("utf-8", "replace").rstrip())

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()


class Supervisor:
    """Starts the components, watches them, and stops everything on a signal or a death."""

    def __init__(self, env: dict[str, str], ports: Ports, home: Path) -> None:
        self.env = env
        self.ports = ports
        self.home = home
        self.components: list[Component] = []
        self.stopping = threading.Event()
        self.launcher_pid = os.getppid()
        self.seen: dict[int, psutil.Process] = {}

    def add(self, name: str, argv: list[str]) -> Component:
        logs = self.home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        component = Component(name, argv, logs / f"{name}.log")
        self.components.append(component)
        component.start(self.env)
        return component

    def request_stop(self, signum: int, _frame: object) -> None:
        say(f"{signal.Signals(signum).name}: stopping Airflow and the demo site ...")
        self.stopping.set()

    def dead(self) -> Component | None:
        return next((c for c in self.components if c.exit_code() is not None), None)

    def launcher_gone(self) -> bool:
        """True when the process that started this one (``make``) has died: stop rather than linger."""
        return os.getppid() != self.launcher_pid

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not self.stopping.is_set():
            self._check_alive()
            if all(status == "healthy" for status in component_health(self.ports.api, READY_PARTS).values()):
                self.remember_descendants()
                return
            if time.monotonic() > deadline:
                raise SystemExit(self._report(None, f"Airflow did not become healthy within {READY_TIMEOUT_S:.0f} s"))
            self.stopping.wait(2)

    def watch(self) -> int:
        """Until a stop is asked for: 0. When a component dies or stays unhealthy: report it, 1."""
        unhealthy_since: float | None = None
        next_check = time.monotonic()
        while not self.stopping.wait(1):
            if self.launcher_gone():
                say("the process that started this one has exited: stopping")
                return 0
            try:
                self._check_alive()
            except SystemExit as exc:
                return int(exc.code or 1)
            if time.monotonic() < next_check:
                continue
            next_check = time.monotonic() + 10
            self.remember_descendants()
            health = component_health(self.ports.api, WATCHED_PARTS)
            sick = [part for part, status in health.items() if status != "healthy"]
            if not sick:
                unhealthy_since = None
            elif unhealthy_since is None:
                unhealthy_since = time.monotonic()
            elif time.monotonic() - unhealthy_since > UNHEALTHY_LIMIT_S:
                name = sick[0].replace("_", "-")
                component = next((c for c in self.components if c.name == name), None)
                self._report(component, f"Airflow reports {', '.join(sick)} unhealthy for {UNHEALTHY_LIMIT_S:.0f} s")
                return 1
        return 0

    def _check_alive(self) -> None:
        component = self.dead()
        if component is not None and not self.stopping.is_set():
            raise SystemExit(self._report(component, f"{component.name} exited with code {component.exit_code()}"))

    def _report(self, component: Component | None, what: str) -> int:
        lines = [f"{what}. Airflow is NOT running any more; stopping everything this script started."]
        if component is not None:
            lines.append(f"The last lines of {component.log_path}:")
            lines.extend(f"    {line}" for line in component.tail)
        shout("\n".join(lines))
        return 1

    def stop(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after ``STOP_TIMEOUT_S``, then every process ever
        seen below this one (a dead component's orphans are no longer its children, but were seen)."""
        self.remember_descendants()
        for component in self.components:
            _signal_group(component, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for component in self.components:
            if component.process is None:
                continue
            try:
                component.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{component.name} did not stop within {STOP_TIMEOUT_S:.0f} s: killing it")
            _signal_group(component, signal.SIGKILL)
            component.process.wait(timeout=5)
        for process in self.seen.values():
            with contextlib.suppress(psutil.Error):
                process.kill()  # psutil checks the creation time: a reused pid is never hit

    def remember_descendants(self) -> None:
        for process in psutil.Process().children(recursive=True):
            self.seen.setdefault(process.pid, process)


def _signal_group(component: Component, signum: int) -> None:
    """Signal the component's process group, whose leader may be gone while its children are not."""
    if component.process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(component.process.pid, signum)


def component_health(port: int, parts: tuple[str, ...]) -> dict[str, str | None]:
    """``{part: status}`` from the API server's health endpoint (``None`` where it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5) as response:
            health = json.load(response)
    except (OSError, urllib.error.URLError, ValueError):
        health = {}
    return {part: (health.get(part) or {}).get("status") for part in parts}


def airflow_environment(
    settings: Settings, ports: Ports, home: Path, metadata_url: str, warehouse: str
) -> dict[str, str]:
    """Every setting the components share; one environment for all of them, as in a deployment."""
    secrets_file = home / "newsetl-secrets.json"
    if not secrets_file.exists():
        secrets_file.write_text(json.dumps({"jwt": secrets.token_hex(32), "api": secrets.token_hex(16)}))
        secrets_file.chmod(0o600)
    keys = json.loads(secrets_file.read_text())
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO_ROOT / "dags"),
        # The DAGs' timetable and shared helpers; the scheduler accepts the timetable only as a registered plugin.
        AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO_ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM=env.get("AIRFLOW__CORE__PARALLELISM", "8"),
        AIRFLOW__CORE__AUTH_MANAGER="airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin"),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sqlalchemy_url(metadata_url),
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(ports.api),
        AIRFLOW__API__WORKERS=env.get("AIRFLOW__API__WORKERS", "1"),
        AIRFLOW__API__SECRET_KEY=keys["api"],
        AIRFLOW__API_AUTH__JWT_SECRET=keys["jwt"],
        # Tasks reach the API server through the execution API URL, which does not follow the port by itself.
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{ports.api}/execution/",
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(ports.worker_logs),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(ports.trigger_logs),
        # The warehouse is handed to the tasks as NEWSETL_DATABASE_URL (the embedded one resolved here, once).
        NEWSETL_DATABASE_URL=warehouse,
        NEWSETL_DATA_DIR=str(settings.data_dir),
        NEWSETL_DEMO_SITE_URL=settings.demo_site_url,
        # Airflow's processes import the DAG, and the DAG's tasks import etl from the repository.
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    return env


def sqlalchemy_url(libpq_url: str) -> str:
    """A libpq URL as SQLAlchemy's psycopg2 dialect names it (a Unix-socket ``?host=`` is kept)."""
    scheme, _, rest = libpq_url.partition("://")
    if scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"Airflow's metadata database must be PostgreSQL, got a {scheme!r} URL")
    return f"postgresql+psycopg2://{rest}"


def metadata_database(warehouse: str) -> str:
    """``NEWSETL_AIRFLOW_DATABASE_URL``, else ``newsetl_airflow`` on the warehouse's server (created if needed)."""
    configured = os.environ.get("NEWSETL_AIRFLOW_DATABASE_URL")
    if configured:
        return configured
    try:
        ensure_database(warehouse, METADATA_DATABASE)
    except Exception as exc:
        raise ConfigError(
            f"cannot create the database {METADATA_DATABASE!r} for Airflow on the warehouse's server ({exc}); "
            "set NEWSETL_AIRFLOW_DATABASE_URL to a PostgreSQL database Airflow may use"
        ) from exc
    return url_with_database(warehouse, METADATA_DATABASE)


def run_step(what: str, argv: list[str], env: dict[str, str], log: Path) -> None:
    """Run one preparation command to completion, its output in ``log``; fail with that output's end."""
    say(what)
    started = time.monotonic()
    with log.open("ab") as out:
        done = subprocess.run(argv, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        raise SystemExit(f"newsetl | failed ({done.returncode}): {' '.join(argv)}\n" + "\n".join(tail))
    say(f"  done in {time.monotonic() - started:.0f} s")


def admin_login(home: Path) -> str:
    passwords = home / "simple_auth_manager_passwords.json.generated"
    try:
        return f"user admin, password {json.loads(passwords.read_text())['admin']}"
    except (OSError, ValueError, KeyError):
        return f"user admin, password in {passwords}"


def embedded_running(settings: Settings) -> bool:
    return (settings.embedded_pg_dir / "postmaster.pid").exists()


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> int:
    # Until the supervisor takes over, SIGTERM and SIGHUP end the set-up as Ctrl-C does (cleanly, via finally).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    settings = load_settings()
    home = settings.data_dir / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    hold_home(home)
    ports = Ports.from_environment(settings)
    ports.check_free()
    started_warehouse = not settings.database_url and not embedded_running(settings)
    warehouse = local_warehouse_url(settings)
    supervisor: Supervisor | None = None
    try:
        say(f"warehouse: {warehouse}")
        applied = migrate_database(warehouse)
        say(f"warehouse migrations applied: {len(applied)}")
        metadata = metadata_database(warehouse)
        say(f"Airflow's metadata database: {metadata}")
        env = airflow_environment(settings, ports, home, metadata, warehouse)
        log = home / "logs" / "setup.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        run_step(
            "migrating Airflow's metadata database ...",
            ["airflow", "db", "migrate"],
            env,
            log,
        )
        pool, slots = settings.schedule.pool, str(settings.schedule.pool_slots)
        run_step(
            f"pool {pool}: {slots} slots",
            ["airflow", "pools", "set", pool, slots, "newsetl: concurrent source loads"],
            env,
            log,
        )
        supervisor = Supervisor(env, ports, home)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGHUP, supervisor.request_stop)
        supervisor.add("demo-site", [sys.executable, "-m", "etl", "demo-site", "--port", str(ports.demo_site)])
        for name in COMPONENTS:
            supervisor.add(name, ["airflow", name])
        say(f"starting {', '.join(COMPONENTS)} (logs in {home / 'logs'}) ...")
        supervisor.wait_until_ready()
        if supervisor.stopping.is_set():
            return 130
        say("")
        say(f"Airflow UI: http://127.0.0.1:{ports.api} ({admin_login(home)})")
        say(f"demo site:  {settings.demo_site_url}")
        say("Open news_etl, Trigger -> Backfill (README: 'Run it in Airflow'). Ctrl-C stops everything.")
        say("")
        return supervisor.watch()
    finally:
        if supervisor is not None:
            supervisor.stop()
        if started_warehouse:
            stop_embedded(settings)
            say("stopped the embedded warehouse this script started")
        say("stopped")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ConfigError as exc:
        print(f"newsetl | configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
