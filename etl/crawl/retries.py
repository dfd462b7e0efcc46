"""Which URLs a run fetches besides those it discovered: earlier failures worth another attempt, and when
the pipeline gives one up.

Reads ``FetchSettings.max_attempts``, ``given_up_retry_days`` and ``given_up_retry_max_days``. A URL whose
latest fetch failed for a retryable reason (``etl.reasons.RETRYABLE``: timeout, 5xx, 429, ...) and has no
page stored since is fetched again by the next run of its source, whatever that run's interval, until it
has failed ``max_attempts`` times. The next run then gives it up: it records a ``given_up`` failure (the
attempts so far in ``attempt``, the last reason and when it is tried again in ``detail``) and counts it on
its row (``pipeline_runs.urls_given_up``), so a give-up is never silent.

A given-up URL is not lost: it is fetched again whenever discovery lists it (a discovered URL is always
fetched), and once more after a backoff of ``given_up_retry_days`` days, doubled at each further give-up up
to ``given_up_retry_max_days`` (a site down for a week is tried on days 1, 3, 7, ...). A page stored ends
its history: the URL starts again from attempt 1 if it ever fails again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg2.extensions

from etl.config import FetchSettings
from etl.reasons import Reason, retryable_reasons
from etl.records import Failure
from etl.warehouse.queries import query


@dataclass(frozen=True)
class FailedUrl:
    """A URL of the source waiting for another attempt, as its failure history says.

    ``attempts``: runs that failed on it since its last stored page; ``reason``: the latest failure's;
    ``given_up_at``: when a run gave it up (None while it is retried by every run); ``give_ups``: how many
    times it was given up since its last stored page.
    """

    attempts: int
    reason: str
    given_up_at: datetime | None = None
    give_ups: int = 0


@dataclass(frozen=True)
class RetryPlan:
    """What a run fetches: ``urls`` in order (discovered first, then ``retries`` and ``revived``), and the
    failures to record for the URLs it gives up now (``given_up``)."""

    urls: list[str]
    retries: list[str]
    revived: list[str]
    given_up: list[Failure]


def failed_urls(conn: psycopg2.extensions.connection, source_name: str) -> dict[str, FailedUrl]:
    """URLs of the source waiting for a retry or given up, by URL."""
    with conn, conn.cursor() as cur:
        cur.execute(
            query("select_failed_urls"),
            {"source_name": source_name, "reasons": retryable_reasons(), "given_up": str(Reason.GIVEN_UP)},
        )
        return {
            url: FailedUrl(attempts, reason, given_up_at, give_ups)
            for url, attempts, reason, given_up_at, give_ups in cur.fetchall()
        }


def retry_backoff(settings: FetchSettings, give_ups: int) -> timedelta:
    """How long after its ``give_ups``-th give-up a URL is fetched again: ``given_up_retry_days`` doubled at
    each further give-up, at most ``given_up_retry_max_days``."""
    days = settings.given_up_retry_days * 2 ** max(give_ups - 1, 0)
    return timedelta(days=min(days, settings.given_up_retry_max_days))


def plan_urls(
    source_name: str,
    discovered: Sequence[str],
    failed: Mapping[str, FailedUrl],
    settings: FetchSettings,
    now: datetime,
) -> RetryPlan:
    """The run's fetch plan (a pure policy): every discovered URL; earlier failures with attempts left; given-up
    URLs whose backoff is over; and a ``given_up`` failure for each URL out of attempts and not discovered."""
    fetch = list(dict.fromkeys(discovered))
    listed = set(fetch)
    retries: list[str] = []
    revived: list[str] = []
    given_up: list[Failure] = []
    for url in sorted(failed):
        item = failed[url]
        if url in listed:
            continue
        if item.given_up_at is None and item.attempts < settings.max_attempts:
            retries.append(url)
        elif item.given_up_at is None:
            again = now + retry_backoff(settings, item.give_ups + 1)
            detail = (
                f"gave up after {item.attempts} failed attempts (last: {item.reason}); fetched again when "
                f"discovery lists it, or from {again:%Y-%m-%d %H:%M} UTC"
            )
            given_up.append(Failure(source_name, url, "fetch", Reason.GIVEN_UP, None, now, detail))
        elif now >= item.given_up_at + retry_backoff(settings, item.give_ups):
            revived.append(url)
    return RetryPlan(fetch + retries + revived, retries, revived, given_up)
