"""The example queries in ``sql/examples/example_*.sql`` run against a loaded demo warehouse, so they never rot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import psycopg2
import pytest

from etl.demo_site.content import EDITION_NAMES, SEED_TITLES, build_site, load_vocab
from etl.pipeline.run import run_sources
from etl.records import Interval
from etl.warehouse.connection import connect
from etl.warehouse.queries import EXAMPLES_DIR
from tests.factories import empty_data_tables, settings_for
from tests.revised_site import CORRECTION, REVISED_DAY, revised_entry, running_revised_site

EXAMPLES = sorted(p.stem for p in EXAMPLES_DIR.glob("example_*.sql"))
WEEK = Interval(datetime(2025, 5, 12, tzinfo=UTC), datetime(2025, 5, 19, tzinfo=UTC))


@pytest.fixture(scope="module")
def loaded(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[psycopg2.extensions.connection]:
    """The demo site's whole week loaded once for this module's read-only queries; then one article of
    ``REVISED_DAY`` is corrected (headline, an appended paragraph) and a re-run of demo-en's week re-crawls it."""
    empty_data_tables(database_url)
    with running_revised_site() as (running, revised):
        settings = settings_for(database_url, running, tmp_path_factory.mktemp("newsetl"))
        run_sources(settings, WEEK)
        entry = revised_entry(running.site)
        revised.revise(entry.path, entry.title + " (corrected)")
        run_sources(settings, WEEK, ["demo-en"])  # the same interval: failures stay on its first day
    conn = connect(database_url)
    yield conn
    conn.close()


def run_example(conn: psycopg2.extensions.connection, name: str) -> tuple[list[str], list[tuple]]:
    with conn.cursor() as cur:
        cur.execute((EXAMPLES_DIR / f"{name}.sql").read_text(encoding="utf-8"))
        return [d.name for d in cur.description], cur.fetchall()


def test_there_are_example_queries() -> None:
    assert len(EXAMPLES) >= 6


def test_example_queries(loaded: psycopg2.extensions.connection) -> None:
    columns, per_day = run_example(loaded, "example_articles_per_day")
    assert columns == ["source_name", "published_day", "articles", "paragraphs", "repeats_removed"]
    with loaded.cursor() as cur:
        cur.execute("select count(*), sum(repeats_removed) from articles")
        articles, repeats = cur.fetchone()
    assert sum(row[2] for row in per_day) == articles
    assert sum(row[4] for row in per_day) == repeats
    assert {row[1].isoformat() for row in per_day} == {f"2025-05-{d}" for d in range(12, 19)}

    columns, texts = run_example(loaded, "example_article_text")
    assert columns == ["source_name", "published_at", "title", "body_text"]
    assert len(texts) == 10
    assert all(row[3] and "\n\n" in row[3] for row in texts)
    assert not any(line in row[3] for row in texts for line in boilerplate_lines())

    columns, reasons = run_example(loaded, "example_failures_by_reason")
    assert columns == ["source_name", "stage", "reason", "urls"]
    assert {row[2] for row in reasons} == {"http_404", "http_503", "robots_disallowed"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_query_runs(loaded: psycopg2.extensions.connection, name: str) -> None:
    _, rows = run_example(loaded, name)
    assert rows


def boilerplate_lines() -> set[str]:
    """The demo site's recurring subscription and source lines, per edition."""
    lines = set()
    for edition in EDITION_NAMES:
        vocab = load_vocab(edition)
        lines.add(vocab["boilerplate"])
        if "source_line" in vocab:
            lines.add(vocab["source_line"])
    return lines


def scalar(conn: psycopg2.extensions.connection, statement: str, params: tuple = ()) -> object:
    with conn.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchone()[0]


def test_top_stories_of_a_day_are_originals_of_that_day_ranked_by_copies(
    loaded: psycopg2.extensions.connection,
) -> None:
    columns, rows = run_example(loaded, "example_top_stories_of_day")
    assert columns == ["source_name", "published_at", "title", "copies", "copying_sources"]
    assert 0 < len(rows) <= 10
    assert all(row[1].astimezone(UTC).date().isoformat() == "2025-05-15" for row in rows)
    assert [row[3] for row in rows] == sorted((row[3] for row in rows), reverse=True)
    assert rows[0][3] >= 1
    assert SEED_TITLES["de"] in {row[2] for row in rows}
    seed = next(row for row in rows if row[2] == SEED_TITLES["de"])
    assert (seed[3], seed[4]) == (1, 0)  # copied once, by its own source's update: no other source
    assert not any(row[2].endswith("(aktualisiert)") for row in rows)  # the update is a copy, not a story


def test_the_seeds_russian_copy_is_a_story_published_by_two_sources(loaded: psycopg2.extensions.connection) -> None:
    columns, rows = run_example(loaded, "example_stories_by_several_sources")
    assert columns == ["source_name", "published_at", "title", "copied_by", "sources", "best_similarity"]
    seed = [row for row in rows if row[2] == SEED_TITLES["ru"]]
    assert [(row[0], row[3], row[4]) for row in seed] == [("demo-ru", ["demo-mirror"], 2)]
    syndicated = scalar(
        loaded,
        "select count(distinct d.duplicate_of) from article_duplicates d join articles a using (article_id) "
        "where a.source_name = 'demo-mirror'",
    )
    assert len(rows) == syndicated
    assert all(row[5] >= 0.5 for row in rows)


def test_a_sources_boilerplate_is_its_subscription_line(loaded: psycopg2.extensions.connection) -> None:
    columns, rows = run_example(loaded, "example_source_boilerplate")
    assert columns == ["source_name", "text", "articles", "days", "first_seen_on", "last_seen_on"]
    assert [row[1] for row in rows] == [load_vocab("de")["boilerplate"]]
    _, _, articles, days, first, last = rows[0]
    carried = scalar(
        loaded,
        "select count(*) from article_paragraphs ap join articles a using (article_id) join paragraphs p "
        "using (paragraph_key) where a.source_name = 'demo-de' and p.text = %s",
        (rows[0][1],),
    )
    assert articles == carried >= 5
    assert 3 <= days <= 7
    assert date(2025, 5, 12) <= first <= last <= date(2025, 5, 18)


def test_german_search_finds_the_seed_and_only_german_articles(loaded: psycopg2.extensions.connection) -> None:
    columns, rows = run_example(loaded, "example_search_german")
    assert columns == ["source_name", "published_at", "title", "rank"]
    assert {row[0] for row in rows} == {"demo-de"}
    assert SEED_TITLES["de"] in {row[2] for row in rows}
    literal = scalar(
        loaded,
        "select count(*) from article_text where language = 'de' "
        "and (title || ' ' || body_text) ilike '%%zusammenarbeit%%'",
    )
    assert len(rows) >= literal > 0
    assert [row[3] for row in rows] == sorted((row[3] for row in rows), reverse=True)


def test_repeats_removed_per_day_add_up_to_the_articles(loaded: psycopg2.extensions.connection) -> None:
    columns, rows = run_example(loaded, "example_repeats_removed_per_day")
    assert columns == ["day", "articles", "paragraphs", "repeats_removed", "boilerplate_paragraphs", "copies"]
    assert [row[0].isoformat() for row in rows] == [f"2025-05-{d}" for d in range(12, 19)]
    assert sum(row[1] for row in rows) == scalar(loaded, "select count(*) from articles")
    assert sum(row[3] for row in rows) == scalar(loaded, "select sum(repeats_removed) from articles")
    assert sum(row[5] for row in rows) == scalar(loaded, "select count(distinct article_id) from article_duplicates")
    boilerplate = scalar(
        loaded,
        "select count(*) from article_paragraphs ap join articles a using (article_id) "
        "join boilerplate_paragraphs b on b.source_name = a.source_name and b.paragraph_key = ap.paragraph_key",
    )
    assert sum(row[4] for row in rows) == boilerplate > 0


def test_the_most_repeated_paragraphs_are_the_boilerplate(loaded: psycopg2.extensions.connection) -> None:
    columns, rows = run_example(loaded, "example_most_repeated_paragraphs")
    assert columns == ["text", "articles", "sources", "boilerplate", "first_published_at", "last_published_at"]
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)
    assert rows[0][3] is True
    assert rows[0][0] in boilerplate_lines()


def test_the_corrected_article_of_the_day_shows_both_headlines_and_its_correction(
    loaded: psycopg2.extensions.connection,
) -> None:
    columns, rows = run_example(loaded, "example_corrected_articles")
    assert columns == [
        "source_name",
        "published_at",
        "first_title",
        "current_title",
        "revisions_after_first",
        "headline_changed",
        "paragraphs_added",
        "paragraphs_removed",
        "last_changed_at",
        "url",
    ]
    title = revised_entry(build_site()).title
    assert [row[:8] for row in rows] == [("demo-en", rows[0][1], title, title + " (corrected)", 1, True, 1, 0)]
    assert rows[0][1].astimezone(UTC).date() == REVISED_DAY
    added = scalar(loaded, "select paragraphs_added from article_revision_changes where url = %s", (rows[0][9],))
    assert added == [CORRECTION]


def test_daily_source_stats_count_failures_per_source(loaded: psycopg2.extensions.connection) -> None:
    with loaded.cursor() as cur:
        cur.execute("select source_name, sum(failures) from daily_source_stats group by 1 order by 1")
        per_source = dict(cur.fetchall())
    with loaded.cursor() as cur:
        cur.execute("select source_name, count(distinct url) from fetch_failures group by 1 order by 1")
        assert per_source == dict(cur.fetchall())


def test_every_table_view_and_column_has_a_comment(loaded: psycopg2.extensions.connection) -> None:
    with loaded.cursor() as cur:
        cur.execute(
            "select c.relname, a.attname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
            "where n.nspname = 'public' and c.relkind in ('r', 'v') "
            "and (obj_description(c.oid, 'pg_class') is null or col_description(c.oid, a.attnum) is null)"
        )
        assert cur.fetchall() == []
