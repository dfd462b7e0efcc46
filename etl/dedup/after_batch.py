"""Deduplication across articles, kept in the warehouse: what runs after each loaded batch and after each run.

After a batch: near-duplicate paragraphs are linked (``etl.dedup.near_duplicates``), the batch's articles are linked
with the stories they copy or that copy them (``etl.dedup.copies``), and their search documents are built
(``etl.warehouse.search``). After a run of a source: its boilerplate marks are recomputed (``etl.dedup.boilerplate``).
Each step is idempotent and reads only the warehouse, so re-runs, backfills in any order and parallel
workers converge on the same rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg2.extensions

from etl.config import DedupSettings
from etl.dedup.boilerplate import refresh_boilerplate
from etl.dedup.copies import link_article_duplicates
from etl.dedup.near_duplicates import link_near_duplicates
from etl.records import DedupedArticle
from etl.warehouse.search import index_articles

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchLinks:
    """What the cross-article steps wrote for one batch."""

    near_duplicates: int
    article_duplicates: int
    indexed: int
    near_duplicates_s: float = 0.0
    article_duplicates_s: float = 0.0
    indexed_s: float = 0.0


def after_batch(
    conn: psycopg2.extensions.connection, settings: DedupSettings, articles: Sequence[DedupedArticle]
) -> BatchLinks:
    """Link near-duplicate paragraphs and duplicate articles of a loaded batch, and index it for search."""
    paragraphs = {p.key: p.text for item in articles for p in item.paragraphs}
    urls = sorted({item.article.url for item in articles})
    started = time.perf_counter()
    near_duplicates = link_near_duplicates(conn, settings, paragraphs.items())
    linked = time.perf_counter()
    article_duplicates = link_article_duplicates(conn, settings, urls)
    copies_found = time.perf_counter()
    indexed = index_articles(conn, urls)
    links = BatchLinks(
        near_duplicates=near_duplicates,
        article_duplicates=article_duplicates,
        indexed=indexed,
        near_duplicates_s=linked - started,
        article_duplicates_s=copies_found - linked,
        indexed_s=time.perf_counter() - copies_found,
    )
    logger.debug("batch links: %s", links)
    return links


def after_run(conn: psycopg2.extensions.connection, settings: DedupSettings, source_name: str) -> int:
    """Recompute the source's boilerplate marks once its run has loaded."""
    changed = refresh_boilerplate(conn, settings, source_name)
    logger.info("%s: %d boilerplate marks added or changed", source_name, changed)
    return changed
