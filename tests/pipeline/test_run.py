"""``etl.pipeline.run``: a run against the real demo site loads exactly what the site published, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from etl.config import Settings
from etl.demo_site.content import ArticleTruth
from etl.demo_site.server import RunningSite, running_demo_site
from etl.pipeline.run import LoadCheckError, check_runs, discovery_took_none, run_source, run_sources
from etl.records import Interval
from etl.warehouse.connection import connect
from tests.factories import DEMO_ARTICLE_BASE, MAY_15, SEED_PARAGRAPHS, stored_paragraphs

MAY_15_16 = Interval(datetime(2025, 5, 15, tzinfo=UTC), datetime(2025, 5, 17, tzinfo=UTC))


def truths(demo_site: RunningSite, interval: Interval, edition: str | None = None) -> list[ArticleTruth]:
    return [t for t in demo_site.site.articles(edition) if interval.contains(t.published_at)]


def loadable(truth: ArticleTruth) -> bool:
    return truth.status == 200 and not truth.robots_disallowed


def article_row(conn: psycopg2.extensions.connection, url: str) -> tuple | None:
    with conn.cursor() as cur:
        cur.execute("select title, published_at, language, authors, section from articles where url = %s", (url,))
        return cur.fetchone()


def table_contents(conn: psycopg2.extensions.connection) -> dict[str, list[tuple]]:
    """Every user-visible row of the data tables, run-independent columns only."""
    statements = {
        "sources": "select source_name, base_url, language from sources order by 1",
        "articles": "select source_name, url, title, published_at, language, authors, section, fetched_at, "
        "encode(body_hash, 'hex'), paragraph_count, repeats_removed, run_id from articles order by url",
        "paragraphs": "select encode(paragraph_key, 'hex'), text, first_seen_at from paragraphs order by 1",
        "article_paragraphs": "select a.url, ap.position, encode(ap.paragraph_key, 'hex') from article_paragraphs ap "
        "join articles a using (article_id) order by 1, 2",
    }
    result = {}
    with conn.cursor() as cur:
        for name, statement in statements.items():
            cur.execute(statement)
            result[name] = cur.fetchall()
    return result


def test_seed_article_holds_its_five_paragraphs_once_in_order(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    run_source(settings, "demo-de", MAY_15)
    seed = next(t for t in demo_site.site.articles("de") if t.kind == "seed")
    url = DEMO_ARTICLE_BASE + seed.path
    title, published_at, language, _authors, _section = article_row(db, url)
    assert title == "Stärkung der technologischen Beziehungen: der High-Tech Park prüfte die Zusammenarbeit mit China"
    assert published_at.astimezone(UTC).date() == date(2025, 5, 15)
    assert language == "de"
    assert stored_paragraphs(db, url) == SEED_PARAGRAPHS


def test_noisy_seed_variant_holds_the_same_five_paragraphs(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    run_source(settings, "demo-de", MAY_15)
    noisy = next(t for t in demo_site.site.articles("de") if t.kind == "seed_noisy")
    assert len(noisy.paragraphs) > 5
    assert stored_paragraphs(db, DEMO_ARTICLE_BASE + noisy.path) == SEED_PARAGRAPHS
    with db.cursor() as cur:
        cur.execute("select repeats_removed from articles where url = %s", (DEMO_ARTICLE_BASE + noisy.path,))
        assert cur.fetchone()[0] == len(noisy.paragraphs) - 5


def test_every_source_loads_exactly_the_articles_the_site_published(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    summaries = run_sources(settings, MAY_15_16)
    assert {s.status for s in summaries} == {"success"}
    expected = [t for t in truths(demo_site, MAY_15_16) if loadable(t)]
    with db.cursor() as cur:
        cur.execute("select url from articles order by url")
        loaded = [row[0] for row in cur]
    assert sorted(DEMO_ARTICLE_BASE + t.path for t in expected) == loaded
    for truth in expected:
        url = DEMO_ARTICLE_BASE + truth.path
        assert stored_paragraphs(db, url) == list(truth.unique_paragraphs), truth.path
        title, published_at, language, authors, section = article_row(db, url)
        assert (title, published_at, language, tuple(authors), section) == (
            truth.title,
            truth.published_at,
            truth.language,
            truth.authors,
            truth.section,
        ), truth.path


def test_running_an_interval_twice_yields_identical_rows(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    run_sources(settings, MAY_15_16)
    first = table_contents(db)
    db.rollback()
    run_sources(settings, MAY_15_16)
    second = table_contents(db)
    assert first["articles"]
    assert second == first
    with db.cursor() as cur:
        cur.execute("select status, count(*) from pipeline_runs group by status")
        assert cur.fetchall() == [("success", 2 * len(first["sources"]))]


def test_the_demo_site_moved_to_another_port_loads_no_second_copy_of_any_article(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    run_sources(settings, MAY_15_16)
    single = table_contents(db)
    failed = failed_pages(db)
    db.rollback()
    with running_demo_site(demo_site.site.config) as moved:
        assert moved.base_url != demo_site.base_url
        summaries = run_sources(replace(settings, demo_site_url=moved.base_url), MAY_15_16)
        fetched_from_moved = {t.path for t in truths(demo_site, MAY_15_16)} & set(moved.requested.paths())
    assert {s.status for s in summaries} == {"success"}
    assert fetched_from_moved  # the second load fetched its articles from the new port
    both = table_contents(db)
    for table in ("articles", "paragraphs", "article_paragraphs"):
        assert both[table] == single[table], table
    assert single["articles"]
    assert all(row[1].startswith(DEMO_ARTICLE_BASE + "/") for row in both["articles"])
    assert failed and set(failed_pages(db).items()) == {(url, 2) for url in failed}  # one history per page
    with db.cursor() as cur:
        cur.execute("select count(*) from page_fetches where url not like %s", (DEMO_ARTICLE_BASE + "/%",))
        assert cur.fetchone()[0] == 0


def failed_pages(conn: psycopg2.extensions.connection) -> dict[str, int]:
    """Every page URL that failed, with the number of runs that failed on it so far."""
    with conn.cursor() as cur:
        cur.execute("select url, max(attempt) from fetch_failures where stage <> 'discover' group by url")
        return dict(cur.fetchall())


def test_robots_disallowed_pages_are_not_loaded_and_are_recorded(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    interval = Interval(datetime(2025, 5, 12, tzinfo=UTC), datetime(2025, 5, 19, tzinfo=UTC))
    summary = run_source(settings, "demo-en", interval)
    disallowed = [t for t in truths(demo_site, interval, "en") if t.robots_disallowed]
    assert disallowed
    assert summary.counts.robots_disallowed == len(disallowed)
    with db.cursor() as cur:
        cur.execute("select url from fetch_failures where reason = 'robots_disallowed' order by url")
        assert [row[0] for row in cur] == sorted(DEMO_ARTICLE_BASE + t.path for t in disallowed)
        cur.execute("select count(*) from articles where url like %s", ("%/intern/%",))
        assert cur.fetchone()[0] == 0
    requested = set(demo_site.requested.paths())
    assert "/robots.txt" in requested
    assert not requested & {t.path for t in disallowed}


def test_failing_pages_are_recorded_with_reason_and_status(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    summary = run_source(settings, "demo-es", MAY_15)
    failing = {DEMO_ARTICLE_BASE + t.path: t.status for t in truths(demo_site, MAY_15, "es") if t.status != 200}
    assert set(failing.values()) == {404, 503}
    assert summary.counts.fetch_failed == len(failing)
    with db.cursor() as cur:
        cur.execute(
            "select url, stage, reason, http_status from fetch_failures where stage = 'fetch' "
            "and reason <> 'robots_disallowed'"
        )
        rows = cur.fetchall()
    assert sorted(rows) == sorted((url, "fetch", f"http_{status}", status) for url, status in failing.items())


def test_run_audit_row_counts_every_stage(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    summary = run_source(settings, "demo-de", MAY_15)
    day = truths(demo_site, MAY_15, "de")
    with db.cursor() as cur:
        cur.execute(
            "select status, interval_start, interval_end, urls_discovered, pages_fetched, articles_loaded, "
            "paragraphs_repeated, finished_at is not null from pipeline_runs where run_id = %s",
            (summary.run_id,),
        )
        row = cur.fetchone()
    fetched = [t for t in day if loadable(t)]
    repeats = sum(len(t.paragraphs) - len(t.unique_paragraphs) for t in fetched)
    assert row == ("success", MAY_15.start, MAY_15.end, len(day), len(fetched), len(fetched), repeats, True)
    assert check_runs(settings, [summary.run_id]) == f"1 runs loaded {len(fetched)} articles"


def test_check_runs_fails_loudly_for_a_failed_run(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "sources.toml"
    broken.write_text(
        '[[source]]\nname = "demo-de"\nbase_url = "http://127.0.0.1:9/de/"\nlanguage = "de"\n'
        'sitemap_url = "http://127.0.0.1:9/de/sitemap.xml"\n'
    )
    from dataclasses import replace

    bad = replace(settings, sources_file=broken)
    with pytest.raises(RuntimeError, match="no discovery method"):
        run_source(bad, "demo-de", MAY_15)
    conn = connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("select run_id, status, error from pipeline_runs")
            run_id, status, error = cur.fetchone()
            cur.execute("select stage, reason from fetch_failures")
            assert cur.fetchall() == [("discover", "connection_error")]
    finally:
        conn.close()
    assert status == "failed" and "connection_error" in error
    with pytest.raises(LoadCheckError, match=f"run {run_id} \\(demo-de\\) is failed"):
        check_runs(settings, [run_id])


def test_an_interval_with_no_articles_loads_nothing_and_succeeds(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    empty = Interval(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=1))
    summary = run_source(settings, "demo-ru", empty)
    assert (summary.status, summary.counts.urls_discovered, summary.articles_loaded) == ("success", 0, 0)


def test_discovery_counts_are_kept_on_the_run_row_and_shown(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    summary = run_source(settings, "demo-de", MAY_15)
    in_day = truths(demo_site, MAY_15, "de")
    with db.cursor() as cur:
        cur.execute("select discovery_counts from pipeline_runs where run_id = %s", (summary.run_id,))
        (counts,) = cur.fetchone()
    sitemap = counts["sitemap"]  # entries of the day's sitemaps, and children of the index skipped as older
    assert (set(counts), set(sitemap)) == ({"sitemap"}, {"seen", "taken", "out_of_interval"})
    assert (sitemap["taken"], sitemap["seen"]) == (len(in_day), len(in_day) + sitemap["out_of_interval"])
    seen, taken = sitemap["seen"], sitemap["taken"]
    assert f"discovery: sitemap saw {seen}, took {taken}, left out {seen - taken} out_of_interval" in summary.describe()


def test_check_runs_passes_a_quiet_day_whose_entries_all_lie_outside_the_interval(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    empty = Interval(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))
    summary = run_source(settings, "demo-ru", empty)
    assert summary.status == "success" and summary.run_id is not None
    assert summary.counts.discovery_counts["sitemap"]["out_of_interval"] > 0
    assert check_runs(settings, [summary.run_id]).startswith("1 runs loaded 0 articles")


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        (
            {"sitemap": {"seen": 4, "taken": 0, "no_date": 3, "out_of_interval": 1}},
            "sitemap saw 4 (no_date 3, out_of_interval 1)",
        ),
        ({"rss": {"seen": 2, "taken": 0, "off_host": 2}}, "rss saw 2 (off_host 2)"),
        ({"sitemap": {"seen": 5, "taken": 0, "out_of_interval": 4, "duplicate": 1}}, None),
        ({"sitemap": {"seen": 5, "taken": 1, "bad_url": 4}}, None),
        ({}, None),
    ],
)
def test_discovery_that_took_nothing_for_a_reason_other_than_the_interval_is_a_problem(
    counts: dict[str, dict[str, int]], problem: str | None
) -> None:
    found = discovery_took_none(counts)
    assert found == (None if problem is None else f"saw discovery entries but took none: {problem}")


def test_a_run_waits_while_another_run_of_the_same_source_and_interval_holds_the_lock(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from etl.warehouse.queries import query

    holder = connect(settings.database_url or "")
    try:
        holder.autocommit = True
        with holder.cursor() as cur:
            cur.execute(
                query("lock_source_interval"),
                {"source_name": "demo-de", "interval_start": MAY_15.start, "interval_end": MAY_15.end},
            )
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(run_source, settings, "demo-de", MAY_15)
            with pytest.raises(TimeoutError):
                waiting.result(timeout=2)
            with holder.cursor() as cur:
                cur.execute("select pg_advisory_unlock_all()")
            summary = waiting.result(timeout=120)
    finally:
        holder.close()

    assert summary.status == "success"
    assert summary.articles_loaded > 0


def test_a_run_reports_seconds_per_stage_in_process_or_in_workers(settings: Settings) -> None:
    in_workers = run_source(settings, "demo-de", MAY_15)
    in_process = run_source(replace(settings, extract_processes=0), "demo-de", MAY_15)
    for summary in (in_workers, in_process):
        seconds = summary.timings
        assert seconds.fetch_s > 0 and seconds.extract_s > 0 and seconds.load_s > 0
        assert seconds.wall_s >= seconds.discover_s + seconds.load_s
        assert summary.as_dict()["extract_s"] == round(seconds.extract_s, 3)
    assert in_process.counts == in_workers.counts
