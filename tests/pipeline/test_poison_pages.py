"""Poison pages (``tests/poison_site.py``) through a full run, the code path of ``python -m etl run``: the good
pages load, each poison page loads cleaned or is a failure row with its reason, and a re-run changes nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg2
import pytest

from etl.config import FetchSettings, Settings
from etl.pipeline.run import check_runs, run_sources
from tests.factories import MAY_15, query_rows, stored_paragraphs
from tests.poison_site import ARTICLE, GOOD_PATHS, NOT_DISCOVERED, POISON, PoisonSite, good_paragraphs

POISON_FETCH = FetchSettings(
    connect_timeout_s=2.0, read_timeout_s=5.0, total_timeout_s=30.0, retries=0, backoff_s=0.0, max_bytes=5_000_000
)


@pytest.fixture
def poison_site() -> Iterator[PoisonSite]:
    with PoisonSite() as site:
        yield site


@pytest.fixture
def poison_settings(settings: Settings, poison_site: PoisonSite, tmp_path: Path) -> Settings:
    sources = tmp_path / "poison.toml"
    sources.write_text(poison_site.sources_toml(), encoding="utf-8")
    return replace(settings, sources_file=sources, fetch=POISON_FETCH, load_batch_size=20)


def article_rows(database_url: str) -> list[tuple]:
    return query_rows(
        database_url,
        "select url, title, authors, section, source_name, fetched_at, run_id, encode(body_hash, 'hex') "
        "from articles order by url",
    )


def search_rows(database_url: str) -> list[tuple]:
    return query_rows(
        database_url,
        "select a.url, s.indexed_version, length(s.search_vector) from article_search s "
        "join articles a using (article_id) order by 1",
    )


def failure_rows(database_url: str, run_id: int) -> dict[str, tuple[str, str]]:
    rows = query_rows(database_url, "select url, reason, detail from fetch_failures where run_id = %s", (run_id,))
    return {url: (reason, detail) for url, reason, detail in rows}


def outcome(url: str, loaded: set[str], failed: dict[str, tuple[str, str]]) -> str:
    return ARTICLE if url in loaded else failed[url][0] if url in failed else NOT_DISCOVERED


def test_poison_pages_cost_only_themselves_and_a_rerun_changes_nothing(
    poison_settings: Settings, poison_site: PoisonSite, db: psycopg2.extensions.connection
) -> None:
    started = time.monotonic()
    [first] = run_sources(poison_settings, MAY_15)
    elapsed = time.monotonic() - started
    assert first.status == "success", first.error
    base = poison_site.base_url
    for path in GOOD_PATHS:
        assert stored_paragraphs(db, base + path) == list(good_paragraphs(path)), path
    loaded = {url for url, *_ in article_rows(poison_settings.database_url or "")}
    failed = failure_rows(poison_settings.database_url or "", first.run_id or 0)
    outcomes = {path[:40]: outcome(base + path, loaded, failed) for path in POISON}
    assert all(outcomes[path[:40]] in allowed for path, allowed in POISON.items()), outcomes
    assert not any(base + path in loaded and base + path in failed for path in POISON), outcomes
    assert "\ufffd" in failed[base + "/poison/nul-content-type"][1]
    assert first.counts.articles_loaded == len(GOOD_PATHS) + list(outcomes.values()).count(ARTICLE)
    with db.cursor() as cur:
        # extraction may drop a NUL itself; what reaches the warehouse with one has it replaced
        cur.execute("select title, authors, section from articles where url = %s", (base + "/poison/nul-jsonld",))
        title, authors, section = cur.fetchone()
        assert title.replace("\ufffd", "") == "Schlagzeile" and section.replace("\ufffd", "") == "Wirtschaft"
        assert [author.replace("\ufffd", "") for author in authors] in ([], ["AnnaMuster"])
        cur.execute("select title from articles where url = %s", (base + "/poison/surrogate-jsonld",))
        assert cur.fetchone() == ("Kaputt \ufffd Titel",)
        cur.execute("select headers from page_fetches where url = %s", (base + "/poison/nul-header",))
        assert ["X-Note", "a\ufffdb"] in cur.fetchone()[0]
        cur.execute("select characters_replaced from pipeline_runs where run_id = %s", (first.run_id,))
        assert cur.fetchone()[0] >= 1  # the Content-Type's, at least (extraction may clean the rest itself)
    db.rollback()
    searchable = {url for url, *_ in search_rows(poison_settings.database_url or "")}
    assert searchable == loaded  # every article has its search document, the capped one too
    assert check_runs(poison_settings, [first.run_id or 0])

    before = (article_rows(poison_settings.database_url or ""), search_rows(poison_settings.database_url or ""))
    [again] = run_sources(poison_settings, MAY_15)
    assert again.status == "success", again.error
    after = (article_rows(poison_settings.database_url or ""), search_rows(poison_settings.database_url or ""))
    assert after == before
    assert set(failure_rows(poison_settings.database_url or "", again.run_id or 0)) == set(failed)
    print(f"poison run: {elapsed:.1f} s, outcomes {outcomes}")
