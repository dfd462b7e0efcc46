"""Which URLs a run fetches besides those it discovered: earlier failures worth another attempt.

Reads ``FetchSettings.max_attempts``. A URL whose latest fetch failed for a retryable reason
(``etl.reasons.RETRYABLE``: timeout, 5xx, 429, ...) and has no page stored since is fetched again by the
next run of its source, whatever that run's interval, until it has failed ``max_attempts`` times; then it
is given up, and skipped even when discovery finds it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import psycopg2.extensions

from etl.reasons import retryable_reasons
from etl.warehouse.queries import query


def failed_urls(conn: psycopg2.extensions.connection, source_name: str) -> dict[str, int]:
    """URLs of the source waiting for a retry, with the number of attempts that failed so far."""
    with conn, conn.cursor() as cur:
        cur.execute(query("select_failed_urls"), {"source_name": source_name, "reasons": retryable_reasons()})
        return dict(cur.fetchall())


def plan_urls(
    discovered: Sequence[str], failed: Mapping[str, int], max_attempts: int
) -> tuple[list[str], list[str], list[str]]:
    """(URLs to fetch in order, the retries among them, the given-up URLs skipped): a pure policy."""
    given_up = sorted(url for url, attempts in failed.items() if attempts >= max_attempts)
    skip = set(given_up)
    fetch = [url for url in discovered if url not in skip]
    seen = set(fetch)
    retries = sorted(url for url, attempts in failed.items() if attempts < max_attempts)
    fetch.extend(url for url in retries if url not in seen)
    return fetch, retries, given_up
