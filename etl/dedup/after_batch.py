"""Deduplication across articles, kept in the warehouse: what runs after each loaded batch and after each run.

After a batch: near-duplicate paragraphs are linked (``etl.dedup.near_duplicates``), the batch's articles are linked
with the stories they copy or that copy them (``etl.dedup.copies``), and their search documents are built
(``etl.warehouse.search``). After a run of a source: its boilerplate marks are recomputed (``etl.dedup.boilerplate``).
Each step is idempotent and reads only the warehouse, so re-runs, backfills in any order and parallel
workers converge on the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg2.extensions

from etl.config import DedupSettings
from etl.dedup.boilerplate import refresh_boilerplate
from etl.dedup.copies import link_article_duplicates
from etl.dedup.near_duplicates import link_near_duplicates
from etl.records import DedupedArticle, StageTimes
from etl.warehouse.search import index_articles

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchLinks:
    """What the cross-article steps wrote for one batch."""

    near_duplicates: int
    copies: int
    indexed: int


def after_batch(
    conn: psycopg2.extensions.connection,
    settings: DedupSettings,
    articles: Sequence[DedupedArticle],
    times: StageTimes | None = None,
) -> BatchLinks:
    """Link near-duplicate paragraphs and copies of a loaded batch, and index it for search; each step adds
    its seconds to ``times`` (``near_duplicates_s``, ``copies_s``, ``search_s``) when given."""
    times = times if times is not None else StageTimes()
    paragraphs = {p.key: p.text for item in articles for p in item.paragraphs}
    urls = sorted({item.article.url for item in articles})
    with times.timed("near_duplicates_s"):
        near_duplicates = link_near_duplicates(conn, settings, paragraphs.items())
    with times.timed("copies_s"):
        copies = link_article_duplicates(conn, settings, urls)
    with times.timed("search_s"):
        indexed = index_articles(conn, urls)
    links = BatchLinks(near_duplicates=near_duplicates, copies=copies, indexed=indexed)
    logger.debug("batch links: %s", links)
    return links


def after_run(conn: psycopg2.extensions.connection, settings: DedupSettings, source_name: str) -> int:
    """Recompute the source's boilerplate marks once its run has loaded."""
    changed = refresh_boilerplate(conn, settings, source_name)
    logger.info("%s: %d boilerplate marks added or changed", source_name, changed)
    return changed
