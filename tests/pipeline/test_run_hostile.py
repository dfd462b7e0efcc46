"""``etl.pipeline.run`` over a hostile site: the run finishes in bounded time, loads every good page, records
every bad one with its reason, and later runs retry what may succeed, up to a limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import pytest

from etl.config import Settings
from etl.pipeline.run import run_source
from etl.reasons import is_retryable
from etl.records import Interval
from tests.factories import MAY_15, MAY_16, stored_paragraphs
from tests.hostile_server import FAULTS, FLAKY, FLAKY_PARAGRAPHS, GOOD, HostileServer
from tests.hostile_source import HOSTILE_FETCH, hostile_settings

MAY_17 = Interval(datetime(2025, 5, 17, tzinfo=UTC), datetime(2025, 5, 18, tzinfo=UTC))
RUN_BOUND_S = 20.0
"""Generous bound on one run: the slowest fault takes about 2 s and four fetch in parallel."""


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def failures(conn: psycopg2.extensions.connection, run_id: int) -> dict[str, tuple[str, int]]:
    with conn.cursor() as cur:
        cur.execute("select url, reason, attempt from fetch_failures where run_id = %s", (run_id,))
        return {url: (reason, attempt) for url, reason, attempt in cur}


def not_modified(conn: psycopg2.extensions.connection, run_id: int) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("select url from page_fetches where run_id = %s and not_modified", (run_id,))
        return {row[0] for row in cur}


def test_a_hostile_run_loads_every_good_page_and_records_every_bad_one(
    settings: Settings, hostile: HostileServer, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    run_settings = hostile_settings(settings, hostile, tmp_path)
    started = time.monotonic()
    first = run_source(run_settings, "hostile", MAY_15)
    elapsed = time.monotonic() - started
    assert first.status == "success"
    assert elapsed < RUN_BOUND_S
    for page in GOOD:
        assert stored_paragraphs(db, hostile.base_url + page.path) == list(page.paragraphs)
    expected = {url: (reason, 1) for url, reason in hostile.fault_urls().items()}
    expected[hostile.base_url + FLAKY] = ("http_503", 1)
    assert failures(db, first.run_id) == expected
    assert first.counts.articles_loaded == len(GOOD)

    again = run_source(run_settings, "hostile", MAY_15)
    assert stored_paragraphs(db, hostile.base_url + FLAKY) == list(FLAKY_PARAGRAPHS)
    assert failures(db, again.run_id) == {url: (reason, 2) for url, reason in hostile.fault_urls().items()}
    assert not_modified(db, again.run_id) == set(hostile.good_urls())
    assert again.counts.articles_loaded == len(GOOD) + 1


def test_later_runs_retry_retryable_failures_until_the_limit(
    settings: Settings, hostile: HostileServer, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    run_settings = hostile_settings(settings, hostile, tmp_path, max_attempts=2)
    run_source(run_settings, "hostile", MAY_15)
    retryable = {url for url, reason in hostile.fault_urls().items() if is_retryable(reason)}
    assert retryable and retryable != set(hostile.fault_urls())

    next_day = run_source(run_settings, "hostile", MAY_16)  # the sitemap lists nothing on the 16th
    assert next_day.counts.urls_discovered == 0
    assert stored_paragraphs(db, hostile.base_url + FLAKY) == list(FLAKY_PARAGRAPHS)
    assert {url: attempt for url, (_, attempt) in failures(db, next_day.run_id).items()} == dict.fromkeys(retryable, 2)

    given_up = run_source(run_settings, "hostile", MAY_17)  # the give-ups are recorded, nothing is fetched
    assert failures(db, given_up.run_id) == dict.fromkeys(retryable, ("given_up", 2))
    assert (given_up.counts.pages_fetched, given_up.counts.urls_given_up) == (0, len(retryable))


CANONICAL = "http://hostile.test"
"""Where a moved hostile site files its pages (``canonical_base_url``): a reserved name, never requested."""


def moved_settings(settings: Settings, site: HostileServer, directory: Path) -> Settings:
    """``settings`` running the hostile source served by ``site`` and filed under ``CANONICAL`` (its own host
    only: the black hole's URL is left to the other hostile tests)."""
    path = directory / f"hostile-{site.port}.toml"
    path.write_text(
        '[[source]]\nname = "hostile"\nlanguage = "de"\ndiscovery = ["sitemap"]\nmin_delay_s = 0\n'
        f'base_url = "{site.base_url}/"\ncanonical_base_url = "{CANONICAL}/"\n'
        f'sitemap_url = "{site.base_url}/sitemap.xml"\n',
        encoding="utf-8",
    )
    return replace(settings, sources_file=path, fetch=HOSTILE_FETCH)


def test_a_site_moved_to_another_address_keeps_its_articles_conditional_gets_and_failure_history(
    settings: Settings, db: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    with HostileServer() as old, HostileServer() as new:
        first = run_source(moved_settings(settings, old, tmp_path), "hostile", MAY_15)
        before = article_rows(db)
        db.rollback()
        old_hits = sum(old.hits.values())
        again = run_source(moved_settings(settings, new, tmp_path), "hostile", MAY_15)
        assert sum(old.hits.values()) == old_hits  # nothing was requested from the old address
        assert all(new.hits[page.path] == 1 for page in GOOD)
    assert [row[0] for row in before] == sorted(CANONICAL + page.path for page in GOOD)
    assert article_rows(db) == before
    assert not_modified(db, again.run_id) == {CANONICAL + page.path for page in GOOD}
    expected = {CANONICAL + path: (reason, 1) for path, reason in FAULTS.items()}
    expected[CANONICAL + FLAKY] = ("http_503", 1)
    assert failures(db, first.run_id) == expected
    assert failures(db, again.run_id) == {url: (reason, 2) for url, (reason, _) in expected.items()}
    with db.cursor() as cur:
        cur.execute("select detail from fetch_failures where run_id = %s and url like %s", (again.run_id, "%/flaky"))
        assert cur.fetchone()[0].startswith(f"requested as {new.base_url}{FLAKY}")


def article_rows(conn: psycopg2.extensions.connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute("select url, title, fetched_at, encode(body_hash, 'hex'), run_id from articles order by url")
        return cur.fetchall()
