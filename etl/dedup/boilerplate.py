"""Boilerplate: a paragraph recurring across many articles of one source is page furniture, not news.

"Subscribe to our Telegram channel", a disclaimer or a photo credit recurs across a source's articles on
many days; a quote shared by two follow-up stories recurs in two articles on one or two days. The rule,
in ``sql/queries/refresh_boilerplate.sql``: a paragraph carried by at least
``DedupSettings.boilerplate_min_articles`` articles of the source, published on at least
``DedupSettings.boilerplate_min_days`` distinct UTC days, is boilerplate of that source.

The marks (``boilerplate_paragraphs``, with counts and first/last publication day) are recomputed from
``article_paragraphs`` after each run of a source, so they depend on what is stored, never on load order,
and hold across runs, backfills and workers. ``article_text`` leaves them out; ``article_paragraphs``
keeps them, so the fact that the paragraph was on the page is not lost.

Settings read: ``DedupSettings.boilerplate_min_articles``, ``boilerplate_min_days``.
"""

from __future__ import annotations

import psycopg2.extensions

from etl.config import DedupSettings
from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction


def refresh_boilerplate(conn: psycopg2.extensions.connection, settings: DedupSettings, source_name: str) -> int:
    """Recompute the boilerplate marks of one source; the number of rows inserted or changed."""
    params = {
        "source_name": source_name,
        "min_articles": settings.boilerplate_min_articles,
        "min_days": settings.boilerplate_min_days,
    }

    def refresh(cur: psycopg2.extensions.cursor) -> int:
        cur.execute(query("lock_source_dedup"), params)
        cur.execute(query("refresh_boilerplate"), params)
        return cur.rowcount

    return run_in_transaction(conn, refresh)
