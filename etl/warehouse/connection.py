"""Where the warehouse is, and connections to it. Looking the warehouse up never starts one.

The warehouse is ``Settings.database_url``: ``NEWSETL_DATABASE_URL``, or, inside Airflow, the
``newsetl_warehouse`` Connection (``plugins/newsetl_airflow.py``). Only the local commands (the CLI, the
demo, ``make airflow``) fall back to the embedded server when none is configured (``etl.warehouse.embedded``),
so a worker without a warehouse fails saying what to configure instead of loading into a database of its own.

A warehouse that stops answering (its server frozen, its host gone) never hangs a run: connecting is bounded by
libpq's ``connect_timeout``; every statement by the server's ``statement_timeout``, and, for a server too stuck
to enforce it, by a watchdog on our side that cuts the connection (shuts its socket down) once the statement,
commit or rollback has waited ``statement_timeout`` plus a grace; TCP keepalives notice a peer that vanished
from an idle connection. Each raises ``WarehouseTimeout`` naming the setting, after an ERROR log line. Waits
that are long by design (a run waiting for another run of its interval) go through ``wait_for_lock``, in
rounds bounded by ``lock_timeout``, so they are never cut.

Reads ``Settings.database_url``, ``database_connect_timeout_s`` and ``database_statement_timeout_s``.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from psycopg2 import sql

from etl.config import ConfigError, Settings
from etl.warehouse.queries import query

logger = logging.getLogger(__name__)

T = TypeVar("T")

_DEFAULTS: dict[str, float] = {
    f.name: f.default for f in fields(Settings) if f.name.startswith("database_") and isinstance(f.default, float)
}
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
"""TCP keepalives: a peer that vanished (host down, network cut) is noticed after about a minute of silence."""
LOCK_ROUND_S = 30.0
"""How long one round of ``wait_for_lock`` waits (``lock_timeout``) before it logs and waits again."""


class WarehouseTimeout(psycopg2.OperationalError):
    """The warehouse did not answer in time; the message names the setting that bounds the wait."""


class WarehouseNotConfigured(ConfigError):
    """No warehouse is configured where one must be (a pipeline run, an Airflow task)."""


def warehouse_url(settings: Settings) -> str:
    """The configured warehouse URL; ``WarehouseNotConfigured`` when there is none (nothing is started)."""
    if not settings.database_url:
        raise WarehouseNotConfigured(
            "no warehouse is configured: set NEWSETL_DATABASE_URL (in Airflow: the newsetl_warehouse Connection, "
            "or AIRFLOW_CONN_NEWSETL_WAREHOUSE); the CLI and `make demo` start an embedded one instead"
        )
    return settings.database_url


def connect(url: str, settings: Settings | None = None) -> psycopg2.extensions.connection:
    """A new connection to ``url`` whose waits are bounded by ``settings`` (default: the defaults of
    ``database_connect_timeout_s`` and ``database_statement_timeout_s``); the caller owns and closes it.

    ``WarehouseTimeout`` when the server does not answer within the connect timeout."""
    connect_s = settings.database_connect_timeout_s if settings else _DEFAULTS["database_connect_timeout_s"]
    statement_s = settings.database_statement_timeout_s if settings else _DEFAULTS["database_statement_timeout_s"]
    started = time.monotonic()
    try:
        conn = psycopg2.connect(
            url,
            application_name="newsetl",
            connect_timeout=max(2, math.ceil(connect_s)),  # libpq's unit is whole seconds, 2 at least
            connection_factory=GuardedConnection,
            **KEEPALIVES,
        )
    except psycopg2.OperationalError as exc:
        if time.monotonic() - started < connect_s and "timeout" not in str(exc):
            raise
        message = (
            f"the warehouse at {redacted(url)} did not answer within {connect_s:g} s "
            f"(NEWSETL_DATABASE_CONNECT_TIMEOUT_S): {' '.join(str(exc).split())}"
        )
        logger.error("%s", message)
        raise WarehouseTimeout(message) from exc
    assert isinstance(conn, GuardedConnection)
    conn.statement_timeout_s = statement_s
    try:
        with conn, conn.cursor() as cur:  # a SET, not a startup option: poolers (PgBouncer) refuse those
            cur.execute(query("set_statement_timeout"), {"milliseconds": math.ceil(statement_s * 1000)})
    except BaseException:
        conn.close()
        raise
    return conn


def wait_for_lock(
    conn: psycopg2.extensions.connection, statement: str, params: Mapping[str, object], waiting_for: str
) -> None:
    """Run ``statement`` (one that waits for a lock, e.g. ``pg_advisory_lock``) in its own transaction,
    however long the lock is held elsewhere: in rounds of at most ``LOCK_ROUND_S`` (``lock_timeout``, below the
    statement timeout), with an INFO line naming ``waiting_for`` after each, so neither timeout cuts the wait
    and a warehouse that stops answering still ends it."""
    statement_s = getattr(conn, "statement_timeout_s", _DEFAULTS["database_statement_timeout_s"])
    round_ms = math.ceil(min(LOCK_ROUND_S, statement_s / 2) * 1000)
    started = time.monotonic()
    while True:
        try:
            with conn, conn.cursor() as cur:
                cur.execute(query("set_lock_timeout"), {"milliseconds": round_ms})
                cur.execute(statement, params)
            return
        except psycopg2.errors.LockNotAvailable:
            logger.info("waiting for %s (%.0f s so far)", waiting_for, time.monotonic() - started)


def ensure_database(server_url: str, name: str) -> None:
    """Create database ``name`` on the server behind ``server_url`` unless it exists."""
    conn = connect(server_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(query("select_database"), {"name": name})
            if cur.fetchone() is None:
                cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def url_with_database(url: str, name: str) -> str:
    """``url`` (a libpq URL) pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def redacted(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``: fit for a console or a log."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))


# The watchdog: one daemon thread that cuts connections whose statement outlived its deadline.


class _Watchdog:
    """Deadlines of statements in progress, and one daemon thread that cuts the connection of any that passes."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._armed: dict[int, tuple[float, GuardedConnection]] = {}
        self._next = 0
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf

    def arm(self, conn: GuardedConnection, seconds: float) -> int:
        """Watch ``conn`` for ``seconds``; the token to ``disarm``. Wakes the thread only when this deadline
        comes before the one it sleeps until (rarely: deadlines of one timeout come in order)."""
        deadline = time.monotonic() + seconds
        with self._changed:
            self._next += 1
            self._armed[self._next] = (deadline, conn)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="newsetl-warehouse-watchdog", daemon=True)
                self._thread.start()
            if deadline < self._wakes_at:
                self._changed.notify()
            return self._next

    def disarm(self, token: int) -> None:
        with self._changed:
            self._armed.pop(token, None)

    def _watch(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                expired = [token for token, (deadline, _) in self._armed.items() if deadline <= now]
                late = [self._armed.pop(token)[1] for token in expired]
                if not late:
                    self._wakes_at = min((deadline for deadline, _ in self._armed.values()), default=math.inf)
                    self._changed.wait(None if self._wakes_at == math.inf else self._wakes_at - now)
                    self._wakes_at = -math.inf  # awake: it sees new deadlines before it sleeps again
            for conn in late:
                conn.cut()


_WATCHDOG = _Watchdog()


def _grace_s(statement_s: float) -> float:
    """How much longer than the server's statement timeout our side waits: the server's own cancel comes
    first when it can still act."""
    return min(statement_s, 10.0)


class GuardedConnection(psycopg2.extensions.connection):
    """A connection whose every round trip (statement, fetch from a server-side cursor, commit, rollback) the
    watchdog cuts after ``statement_timeout_s`` plus a grace."""

    statement_timeout_s: float = _DEFAULTS["database_statement_timeout_s"]
    cut_reason: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_factory = GuardedCursor

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Bound the round trip in the block; a statement timeout or a cut is a ``WarehouseTimeout``."""
        token = _WATCHDOG.arm(self, self.statement_timeout_s + _grace_s(self.statement_timeout_s))
        try:
            yield
        except psycopg2.Error as exc:
            if self.cut_reason is not None:
                raise WarehouseTimeout(self.cut_reason) from exc
            if isinstance(exc, psycopg2.errors.QueryCanceled) and "statement timeout" in str(exc):
                raise WarehouseTimeout(
                    f"a warehouse statement ran longer than {self.statement_timeout_s:g} s "
                    f"(NEWSETL_DATABASE_STATEMENT_TIMEOUT_S): {' '.join(str(exc).split())}"
                ) from exc
            raise
        finally:
            _WATCHDOG.disarm(token)

    def cut(self) -> None:
        """Shut the connection's socket down (from the watchdog's thread): the call waiting on it returns with
        an error at once, which ``guarded`` turns into a ``WarehouseTimeout``."""
        waited = self.statement_timeout_s + _grace_s(self.statement_timeout_s)
        self.cut_reason = (
            f"the warehouse did not answer for {waited:g} s (NEWSETL_DATABASE_STATEMENT_TIMEOUT_S="
            f"{self.statement_timeout_s:g} plus {_grace_s(self.statement_timeout_s):g} s): connection closed"
        )
        logger.error("%s", self.cut_reason)
        try:
            with socket.socket(fileno=os.dup(self.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError as exc:  # already closed: nothing waits on it
            logger.debug("cutting the warehouse connection: %s", exc)

    def commit(self) -> None:
        with self.guarded():
            super().commit()

    def rollback(self) -> None:
        if self.cut_reason is not None:
            return  # the server rolled back when the connection was cut
        with self.guarded():
            super().rollback()

    def __exit__(self, *exc_info: Any) -> Any:
        if self.cut_reason is not None:
            return False  # nothing to commit or roll back on a cut connection; the error propagates
        with self.guarded():
            return super().__exit__(*exc_info)


class GuardedCursor(psycopg2.extensions.cursor):
    """A cursor whose round trips are bounded by its connection's watchdog (``GuardedConnection.guarded``)."""

    connection: GuardedConnection

    def _bounded(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.connection.guarded():
            return call(*args, **kwargs)

    def execute(self, query: Any, vars: Any = None) -> None:
        self._bounded(super().execute, query, vars)

    def executemany(self, query: Any, vars_list: Any) -> None:
        self._bounded(super().executemany, query, vars_list)

    def callproc(self, procname: Any, parameters: Any = None) -> Any:
        return self._bounded(super().callproc, procname, parameters)

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> None:
        self._bounded(super().copy_expert, sql, file, size)

    def fetchone(self) -> Any:
        return self._bounded(super().fetchone) if self.name else super().fetchone()

    def fetchmany(self, size: int | None = None) -> Any:
        size = self.arraysize if size is None else size
        return self._bounded(super().fetchmany, size) if self.name else super().fetchmany(size)

    def fetchall(self) -> Any:
        return self._bounded(super().fetchall) if self.name else super().fetchall()

    def __iter__(self) -> Any:
        if not self.name:
            return super().__iter__()
        return self._named_rows()

    def _named_rows(self) -> Iterator[Any]:
        """A server-side cursor's rows, ``itersize`` per bounded round trip."""
        while rows := self.fetchmany(self.itersize):
            yield from rows
