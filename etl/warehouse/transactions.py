"""Run a unit of work in one transaction, retried when Postgres aborts it for a deadlock or a serialization failure.

Concurrent loads sort their keys so that they lock rows in the same order, but a deadlock (SQLSTATE 40P01)
or a serialization failure (40001) can still happen between statements of different shapes; Postgres then
rolls one transaction back, and running it again is correct because every write here is idempotent.

``run_isolating`` runs work over many items (the pages of a batch) and, when the warehouse rejects their
data, splits them in halves down to the items at fault, so one bad row costs only itself.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import psycopg2
import psycopg2.extensions

logger = logging.getLogger(__name__)

T = TypeVar("T")
Item = TypeVar("Item")

ATTEMPTS = 5
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})
REJECTED_SQLSTATE_CLASSES = frozenset({"22", "54"})
"""SQLSTATE classes that say a row's data cannot be stored: data exception, program limit exceeded."""
REJECTED_SQLSTATES = frozenset({"23502", "23514"})
"""Single SQLSTATEs of the same kind: not-null violation, check violation."""


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


def is_rejected_data(exc: psycopg2.Error) -> bool:
    """Whether the warehouse refused ``exc``'s statement for the data it was given (``string is too long for
    tsvector``, ``index row size exceeds maximum``, an invalid value), not for its own state."""
    code = exc.pgcode or ""
    return code[:2] in REJECTED_SQLSTATE_CLASSES or code in REJECTED_SQLSTATES


def run_isolating(
    conn: psycopg2.extensions.connection,
    items: Sequence[Item],
    work: Callable[[psycopg2.extensions.cursor, Sequence[Item]], int],
) -> tuple[int, list[tuple[Item, psycopg2.Error]]]:
    """``work(cursor, items)`` in one transaction (``run_in_transaction``); when the warehouse rejects the
    data (``is_rejected_data``), each half on its own, down to single items, so every item that can be
    stored is, once. (sum of what the committed ``work`` calls returned, [(rejected item, its error)]).
    Any other error is raised; each committed part is one transaction, nothing is half-written."""
    if not items:
        return 0, []
    try:
        return run_in_transaction(conn, lambda cur: work(cur, items)), []
    except psycopg2.Error as exc:
        if not is_rejected_data(exc):
            raise
        if len(items) == 1:
            return 0, [(items[0], exc)]
        logger.info("the warehouse rejected %d rows (%s): loading them in halves", len(items), exc.pgcode)
    half = len(items) // 2
    done_first, rejected_first = run_isolating(conn, items[:half], work)
    done_second, rejected_second = run_isolating(conn, items[half:], work)
    return done_first + done_second, rejected_first + rejected_second


def error_message(error: psycopg2.Error) -> str:
    """The database's reason on one line, with its SQLSTATE: ``54000: string is too long for tsvector (...)``."""
    primary = error.diag.message_primary or " ".join(str(error).split())
    return f"{error.pgcode}: {primary}" if error.pgcode else primary
