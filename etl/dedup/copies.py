"""The same story elsewhere: an article that re-publishes another (syndication, a mirror) is linked to it.

Two articles are the same story when the Jaccard share of their paragraphs reaches
``DedupSettings.article_duplicate_min_similarity``; a paragraph counts as shared when the other article
carries it or a linked near-duplicate of it (a copy with a typo fixed is still a copy), so this step runs
after ``etl.dedup.near_duplicates``. The later article (by publication time, then URL) is recorded in
``article_duplicates`` as a copy of the earlier, with the similarity, so users count stories (articles
without a row there), not copies. Cross-language translations are not linked.

Settings read: ``DedupSettings.article_duplicate_min_similarity``.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg2.extensions

from etl.config import DedupSettings
from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction


def link_article_duplicates(conn: psycopg2.extensions.connection, settings: DedupSettings, urls: Sequence[str]) -> int:
    """Link the articles at ``urls`` with the stored articles they copy or that copy them; rows written."""
    if not urls:
        return 0
    params = {"urls": sorted(urls), "min_similarity": settings.article_duplicate_min_similarity}

    def link(cur: psycopg2.extensions.cursor) -> int:
        cur.execute(query("link_article_duplicates"), params)
        return cur.rowcount

    return run_in_transaction(conn, link)
