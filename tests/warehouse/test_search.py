"""``etl.warehouse.search``: each article is searchable in its language's configuration, re-indexed when it changes."""

from __future__ import annotations

import psycopg2
import pytest

from etl.dedup.within_article import dedup_article
from etl.warehouse.load import load_batch
from etl.warehouse.search import index_articles
from tests.factories import empty_data_tables, make_article, start_run, stored_paragraphs
from tests.poison_site import DISTINCT_WORDS_BYTES, distinct_words


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
    assert index_articles(db, [de.url, ru.url]) == 0  # indexed in the load's own transaction
    assert matches(db, "german", "Zusammenarbeit") == [de.url]
    assert matches(db, "russian", "сотрудничества") == [ru.url]
    changed = make_article(de.url, ("Der Handel mit Indien wächst.",))
    load_batch(db, run_id, "test-src", [dedup_article(changed)], [])
    assert index_articles(db, [de.url, ru.url]) == 0
    assert matches(db, "german", "Zusammenarbeit") == []
    assert matches(db, "german", "Indien") == [de.url]


def test_a_document_of_more_distinct_words_than_a_tsvector_holds_is_indexed_capped_with_its_article(
    db: psycopg2.extensions.connection,
) -> None:
    run_id = start_run(db)
    db.commit()
    words = distinct_words(DISTINCT_WORDS_BYTES)
    paragraphs = tuple(" ".join(words[i : i + 120]) + "." for i in range(0, len(words), 120))
    article = make_article("http://example.test/words", paragraphs)
    result = load_batch(db, run_id, "test-src", [dedup_article(article)], [])
    assert result.rejected == ()
    with db.cursor() as cur:  # the search row committed with the article, in load_batch's transaction
        cur.execute("select count(*) from article_search")
        assert cur.fetchone()[0] == 1
    assert matches(db, "simple", words[0]) == [article.url]
    assert matches(db, "simple", words[-1]) == []  # past the cap: stored, not indexed
    assert len(stored_paragraphs(db, article.url)) == len(paragraphs)


def search_rows(conn: psycopg2.extensions.connection) -> dict[str, tuple[str, str, str]]:
    """Each indexed article's URL -> its indexed version, configuration and document (as text)."""
    with conn.cursor() as cur:
        cur.execute(
            "select a.url, s.indexed_version, s.search_config::text, s.search_vector::text "
            "from article_search s join articles a using (article_id)"
        )
        return {url: (version, config, vector) for url, version, config, vector in cur}


def expected_rows(conn: psycopg2.extensions.connection) -> dict[str, tuple[str, str, str]]:
    """The documents of every stored article, built from the whole warehouse in one plain join."""
    with conn.cursor() as cur:
        cur.execute(
            "select a.url, md5(concat_ws(E'\\x1f', a.title, a.language, encode(a.body_hash, 'hex'))), "
            "search_config(a.language)::text, ("
            "setweight(to_tsvector(search_config(a.language), coalesce(a.title, '')), 'A') || setweight("
            "to_tsvector(search_config(a.language), string_agg(p.text, E'\\n' order by ap.position)), 'B'))::text "
            "from articles a join article_paragraphs ap using (article_id) join paragraphs p using (paragraph_key) "
            "group by a.article_id"
        )
        return {url: (version, config, vector) for url, version, config, vector in cur}


def test_two_batches_index_the_same_documents_as_one(db: psycopg2.extensions.connection, database_url: str) -> None:
    shared = "Der gemeinsame Absatz erscheint in mehreren Artikeln."
    first = [
        make_article("http://example.test/a", ("Die Zusammenarbeiten wurden ausgebaut.", shared)),
        make_article("http://example.test/b", (shared, "Ein zweiter, eigener Absatz.")),
    ]
    second = [
        make_article("http://example.test/c", ("Сотрудничество расширено.", shared), language="ru"),
        make_article("http://example.test/d", ("Trade with India grows.",), language="en", title=None),
    ]
    run_id = start_run(db)
    db.commit()
    load_batch(db, run_id, "test-src", [dedup_article(a) for a in first], [])
    load_batch(db, run_id, "test-src", [dedup_article(a) for a in second], [])
    two_batches = search_rows(db)
    assert sorted(two_batches) == sorted(a.url for a in first + second)
    assert two_batches == expected_rows(db)
    db.commit()  # no lock left for the truncate

    empty_data_tables(database_url)
    run_id = start_run(db)
    db.commit()
    load_batch(db, run_id, "test-src", [dedup_article(a) for a in first + second], [])
    assert search_rows(db) == two_batches


def test_only_stale_documents_are_rebuilt_and_a_url_given_twice_is_indexed_once(
    db: psycopg2.extensions.connection,
) -> None:
    run_id = start_run(db)
    articles = [make_article(f"http://example.test/{n}", (f"Absatz Nummer {n}.",)) for n in range(3)]
    load_batch(db, run_id, "test-src", [dedup_article(a) for a in articles], [])
    indexed = search_rows(db)
    with db.cursor() as cur:
        cur.execute(
            "delete from article_search where article_id = (select article_id from articles where url = %s)",
            (articles[1].url,),
        )
    db.commit()
    urls = [a.url for a in articles]
    assert index_articles(db, urls + urls + ["http://example.test/never-loaded"]) == 1
    assert search_rows(db) == indexed
