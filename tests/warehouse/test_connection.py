"""``etl.warehouse.connection``: the configured URL is used as given; looking the warehouse up never starts one; a
warehouse that stops answering fails a connect, statement or commit within its timeout (a frozen proxy,
``tests/frozen_proxy.py``), naming the setting; a lock wait outlasts the statement timeout."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.config import ConfigError, Settings, load_settings
from etl.warehouse.connection import WarehouseTimeout, connect, redacted, wait_for_lock, warehouse_url
from tests.frozen_proxy import FrozenProxy


def test_configured_url_is_used_as_given(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://someone@db.example/warehouse", data_dir=tmp_path)
    assert warehouse_url(settings) == "postgresql://someone@db.example/warehouse"
    assert not (tmp_path / "pg").exists()


def test_without_a_configured_warehouse_the_lookup_fails_saying_what_to_set_and_starts_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"NEWSETL_DATABASE_URL.*newsetl_warehouse Connection"):
        warehouse_url(settings)
    assert not (tmp_path / "pg").exists()


def test_a_password_is_never_shown() -> None:
    assert redacted("postgresql://newsetl:s3cret@db:5432/w") == "postgresql://newsetl:***@db:5432/w"
    assert redacted("postgresql://newsetl@db/w") == "postgresql://newsetl@db/w"


@pytest.fixture
def proxy(clean_database: str) -> Iterator[FrozenProxy]:
    with FrozenProxy(clean_database) as running:
        yield running


def bounded(connect_s: float = 2.0, statement_s: float = 1.0) -> Settings:
    return Settings(database_connect_timeout_s=connect_s, database_statement_timeout_s=statement_s)


def test_a_warehouse_that_stops_answering_fails_a_statement_naming_the_setting(
    proxy: FrozenProxy, clean_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    conn = connect(proxy.url(clean_database), bounded())
    try:
        with conn, conn.cursor() as cur:
            cur.execute("select 1")
        proxy.freeze()
        started = time.monotonic()
        with (
            pytest.raises(WarehouseTimeout, match="NEWSETL_DATABASE_STATEMENT_TIMEOUT_S=1 plus 1 s"),
            conn,
            conn.cursor() as cur,
        ):
            cur.execute("select 1")
        assert time.monotonic() - started < 5
    finally:
        conn.close()
    assert any(r.levelname == "ERROR" and "did not answer for 2 s" in r.getMessage() for r in caplog.records)


def test_a_commit_to_a_warehouse_that_stopped_answering_fails_too(proxy: FrozenProxy, clean_database: str) -> None:
    conn = connect(proxy.url(clean_database), bounded())
    try:
        with conn.cursor() as cur:
            cur.execute("select 1")
        proxy.freeze()
        with pytest.raises(WarehouseTimeout):
            conn.commit()
    finally:
        conn.close()


def test_connecting_to_a_warehouse_that_does_not_answer_fails_naming_the_setting(
    proxy: FrozenProxy, clean_database: str
) -> None:
    proxy.freeze()
    started = time.monotonic()
    with pytest.raises(WarehouseTimeout, match="did not answer within 2 s \\(NEWSETL_DATABASE_CONNECT_TIMEOUT_S\\)"):
        connect(proxy.url(clean_database), bounded(connect_s=2.0))
    assert time.monotonic() - started < 6


def test_a_statement_longer_than_the_timeout_is_cancelled_and_the_connection_stays_usable(
    clean_database: str,
) -> None:
    conn = connect(clean_database, bounded(statement_s=1.0))
    try:
        with (
            pytest.raises(WarehouseTimeout, match="longer than 1 s \\(NEWSETL_DATABASE_STATEMENT_TIMEOUT_S\\)"),
            conn,
            conn.cursor() as cur,
        ):
            cur.execute("select pg_sleep(30)")
        with conn, conn.cursor() as cur:
            cur.execute("select 1")
            assert cur.fetchone() == (1,)
    finally:
        conn.close()


def test_a_lock_wait_is_never_cut_by_the_statement_timeout(clean_database: str) -> None:
    holder = connect(clean_database)
    waiter = connect(clean_database, bounded(statement_s=1.0))
    try:
        holder.autocommit = True
        with holder.cursor() as cur:
            cur.execute("select pg_advisory_lock(4242)")
        threading.Timer(3.5, holder.close).start()  # the holder goes after three and a half statement timeouts
        started = time.monotonic()
        wait_for_lock(waiter, "select pg_advisory_lock(4242)", {}, "the test's holder")
        assert time.monotonic() - started >= 3
    finally:
        waiter.close()
        holder.close()


def test_timeouts_are_settings_validated_when_read() -> None:
    settings = load_settings({"NEWSETL_DATABASE_CONNECT_TIMEOUT_S": "3", "NEWSETL_DATABASE_STATEMENT_TIMEOUT_S": "90"})
    assert (settings.database_connect_timeout_s, settings.database_statement_timeout_s) == (3.0, 90.0)
    for value in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(ConfigError, match="NEWSETL_DATABASE_STATEMENT_TIMEOUT_S"):
            load_settings({"NEWSETL_DATABASE_STATEMENT_TIMEOUT_S": value})
