"""Full-text search documents: each article's title and paragraphs in its language's text search configuration.

``search_config(language)`` (in the warehouse) maps de, es, ru, en to german, spanish, russian, english and
anything else to simple; ``article_search.search_vector`` is GIN-indexed. An article is re-indexed when its
title, language or text changes (``article_search.indexed_version`` is a hash of the three). A document holds
the first 1,000 characters of the title and 200,000 of the text (``sql/queries/upsert_article_search.sql``): a
tsvector holds at most 1 MB of lexemes, and an article never reaches the cap.

``etl.warehouse.load.load_batch`` builds the documents of the articles it writes in its own transaction, so
an article and its search row commit together; ``index_articles`` builds any that are still stale. Either
reads only the given articles' rows, each through an index (articles by URL, their search row, paragraph list
and paragraph texts by key), so a batch costs the same however large the warehouse is (issue 19).
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg2.extensions

from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction


def index_articles(conn: psycopg2.extensions.connection, urls: Sequence[str]) -> int:
    """Build the search documents of the articles at ``urls`` not indexed in their stored version (a URL
    given twice counts once; one not stored, or an article without paragraphs, gets none); how many were
    built or rebuilt."""
    if not urls:
        return 0

    def index(cur: psycopg2.extensions.cursor) -> int:
        cur.execute(query("upsert_article_search"), {"urls": sorted(urls)})
        return cur.rowcount

    return run_in_transaction(conn, index)
