"""``etl.warehouse.search``: each article is searchable in its language's configuration, re-indexed when it changes."""

from __future__ import annotations

import psycopg2
import pytest

from etl.dedup.within_article import dedup_article
from etl.warehouse.load import load_batch
from etl.warehouse.search import index_articles
from tests.factories import make_article, start_run


@pytest.mark.parametrize(
    ("language", "config"),
    [("de", "german"), ("es", "spanish"), ("ru", "russian"), ("en", "english"), ("be", "simple"), (None, "simple")],
)
def test_search_config_per_language(db: psycopg2.extensions.connection, language: str | None, config: str) -> None:
    with db.cursor() as cur:
        cur.execute("select search_config(%s)::text", (language,))
        assert cur.fetchone()[0] == config


def matches(conn: psycopg2.extensions.connection, config: str, words: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "select a.url from article_search s join articles a using (article_id) "
            "where s.search_vector @@ websearch_to_tsquery(%s::regconfig, %s) order by 1",
            (config, words),
        )
        return [row[0] for row in cur]


def test_stemmed_search_finds_inflected_forms_and_follows_changes(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    de = make_article("http://example.test/de", ("Die Zusammenarbeiten mit China wurden ausgebaut.",))
    ru = make_article("http://example.test/ru", ("Сотрудничество с Китаем расширено.",), language="ru")
    load_batch(db, run_id, "test-src", [dedup_article(de), dedup_article(ru)], [])
    assert index_articles(db, [de.url, ru.url]) == 2
    assert index_articles(db, [de.url, ru.url]) == 0
    assert matches(db, "german", "Zusammenarbeit") == [de.url]
    assert matches(db, "russian", "сотрудничества") == [ru.url]
    changed = make_article(de.url, ("Der Handel mit Indien wächst.",))
    load_batch(db, run_id, "test-src", [dedup_article(changed)], [])
    assert index_articles(db, [de.url, ru.url]) == 1
    assert matches(db, "german", "Zusammenarbeit") == []
    assert matches(db, "german", "Indien") == [de.url]
