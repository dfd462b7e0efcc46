"""Builders shared by the tests: throwaway databases, demo-site truths, settings and rows to compare.

One module, so test modules never import each other for a helper.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2 import sql

from etl.warehouse.connection import connect, url_with_database
from etl.warehouse.migrate import migrate

logger = logging.getLogger(__name__)


@contextmanager
def throwaway_database(server_url: str, prefix: str, *, migrated: bool = True, keep: bool = False) -> Iterator[str]:
    """A new database named ``<prefix>_<random>`` on the server behind ``server_url``, migrated unless told
    not to, and dropped on exit unless ``keep``: what tests and benchmarks run against."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = connect(server_url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        url = url_with_database(server_url, name)
        if migrated:
            conn = connect(url)
            try:
                migrate(conn)
            finally:
                conn.close()
        yield url
    finally:
        if keep:
            logger.info("kept database %s", name)
        else:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()
