"""Run a unit of work in one transaction, retried when Postgres aborts it for a deadlock or a serialization failure.

Concurrent loads sort their keys so that they lock rows in the same order, but a deadlock (SQLSTATE 40P01)
or a serialization failure (40001) can still happen between statements of different shapes; Postgres then
rolls one transaction back, and running it again is correct because every write here is idempotent.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg2.extensions

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 5
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})


def run_in_transaction(
    conn: psycopg2.extensions.connection,
    work: Callable[[psycopg2.extensions.cursor], T],
    attempts: int = ATTEMPTS,
) -> T:
    """``work(cursor)`` in one transaction, committed; retried up to ``attempts`` times on 40P01/40001."""
    for attempt in range(1, attempts + 1):
        try:
            with conn, conn.cursor() as cur:
                return work(cur)
        except psycopg2.extensions.TransactionRollbackError as exc:
            if exc.pgcode not in RETRIED_SQLSTATES or attempt == attempts:
                raise
            delay = random.uniform(0.01, 0.05) * attempt
            logger.warning("transaction aborted (%s), attempt %d of %d, retrying", exc.pgcode, attempt, attempts)
            time.sleep(delay)
    raise AssertionError("unreachable")
