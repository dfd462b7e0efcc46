"""The same story elsewhere: an article that re-publishes another (syndication, a mirror) is linked to it.

Two articles are the same story when the Jaccard share of their paragraphs reaches
``DedupSettings.article_duplicate_min_similarity``; a paragraph counts as shared when the other article
carries it or a linked near-duplicate of it (a copy with a typo fixed is still a copy), so this step runs
after ``etl.dedup.near_duplicates``. A copy gets one row in ``article_duplicates``: the earliest article
(by publication time, then URL) it was compared with and copies, with the similarity, so users count
stories (articles without a row there), not copies. An article is compared with the first few articles
loaded (``article_duplicate_probe_carriers``) that carry one of its rarest paragraphs, and with the
articles those copy: the work per article is bounded however often a story was copied (the rule and its
consequences are in ``sql/queries/link_article_duplicates.sql``). Cross-language translations are not linked.

Settings read: ``DedupSettings.article_duplicate_min_similarity``, ``article_duplicate_probe_carriers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import psycopg2.extensions

from etl.config import DedupSettings
from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction


def link_parameters(settings: DedupSettings, urls: Sequence[str]) -> dict[str, object]:
    """The parameters of ``link_article_duplicates.sql`` for the articles at ``urls``."""
    return {
        "urls": sorted(urls),
        "min_similarity": settings.article_duplicate_min_similarity,
        "probe_carriers": settings.article_duplicate_probe_carriers,
    }


def link_article_duplicates(conn: psycopg2.extensions.connection, settings: DedupSettings, urls: Sequence[str]) -> int:
    """Link the articles at ``urls`` with the stored articles they copy or that copy them; rows written or
    removed. A copy whose link to one of them no longer holds (its text was rewritten) is linked again in
    turn, with the articles it may copy instead."""
    pending, seen, changed = sorted(set(urls)), set(urls), 0
    while pending:
        written, unlinked = run_in_transaction(conn, partial(_link, link_parameters(settings, pending)))
        changed += written
        pending = sorted(set(unlinked) - seen)
        seen.update(pending)
    return changed


def _link(params: dict[str, object], cur: psycopg2.extensions.cursor) -> tuple[int, list[str]]:
    cur.execute(query("link_article_duplicates"), params)
    written, unlinked = cur.fetchone()
    return written, unlinked
