"""Common Crawl News (CC-NEWS): which WARC files may hold the articles of an interval.

CC-NEWS publishes one path index per month, ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` (gzip, one file
path per line), under ``CcnewsSettings.base_url``. Its files are named by crawl time,
``CC-NEWS-YYYYMMDDhhmmss-NNNNN.warc.gz``: a page is captured after it is published, mostly within days, so
``ccnews_files`` reads the index of every month the window ``[start - margin, end + margin)`` touches
(``CcnewsSettings.margin_days``: May with a margin of 3 days reads April, May and June) and leaves out the
files crawled outside that window (counted, and said by the caller). A file whose name carries no time is kept.

A month whose index cannot be read (404: not published yet, or before CC-NEWS began in August 2016; or a
server or network error) is one line in ``CcnewsListing.unlisted`` and the other months are still listed;
only when no month at all could be listed is that an ``ArchiveError``. ``incomplete`` says whether a month
failed otherwise than by 404 (a re-run may list it: the caller exits non-zero after importing the rest).

Reads ``CcnewsSettings`` (``base_url``, ``margin_days``) and ``FetchSettings`` (timeouts, retries).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import requests

from etl.archives.warc import ArchiveError, http_session
from etl.config import CcnewsSettings, FetchSettings
from etl.records import Interval

_CRAWL_TIME = re.compile(r"CC-NEWS-(\d{14})-\d+\.warc(\.gz)?$")
MAX_INDEX_BYTES = 50_000_000
"""A month's path index is about 100 kB gzip; more than this is no path index."""


@dataclass(frozen=True)
class CcnewsListing:
    """The WARC file URLs to read for an interval, in index order, and how many were left out by name;
    ``months`` read (``YYYY-MM``), ``unlisted``: one line per month whose index could not be read;
    ``unreadable``: those of them that failed otherwise than by HTTP 404 (a re-run may list them)."""

    urls: tuple[str, ...]
    months: tuple[str, ...]
    outside_window: int
    unlisted: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()

    @property
    def incomplete(self) -> bool:
        """Whether a month that may exist could not be listed."""
        return bool(self.unreadable)


def months_touched(interval: Interval) -> list[date]:
    """The first day of every month ``[start, end)`` touches (UTC): May 1 to June 1 is May only."""
    first = interval.start.astimezone(UTC).date().replace(day=1)
    last = (interval.end.astimezone(UTC) - timedelta(microseconds=1)).date()
    months = []
    while first <= last:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def index_url(base_url: str, month: date) -> str:
    """The URL of a month's path index under ``base_url``."""
    return f"{base_url.rstrip('/')}/crawl-data/CC-NEWS/{month:%Y}/{month:%m}/warc.paths.gz"


def crawl_time(path: str) -> datetime | None:
    """The crawl time a CC-NEWS file name carries (``CC-NEWS-20250515103000-00123.warc.gz``), UTC; None if none."""
    match = _CRAWL_TIME.search(path)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def in_window(path: str, interval: Interval, margin: timedelta) -> bool:
    """Whether a file may hold articles published in ``interval``: crawled within it, widened by ``margin``."""
    crawled = crawl_time(path)
    return crawled is None or interval.start - margin <= crawled < interval.end + margin


def ccnews_files(settings: CcnewsSettings, fetch: FetchSettings, interval: Interval) -> CcnewsListing:
    """The CC-NEWS WARC files to read for ``interval``: the path index of every month the window
    ``[start - margin, end + margin)`` touches, files crawled outside it left out (``in_window``). A month
    whose index cannot be read is a line in ``unlisted``; raises ``ArchiveError`` (naming every month) when
    no month could be listed."""
    margin = timedelta(days=settings.margin_days)
    urls: list[str] = []
    outside = 0
    read: list[str] = []
    unlisted: list[str] = []
    unreadable: list[str] = []
    with http_session(fetch) as session:
        for month in months_touched(Interval(interval.start - margin, interval.end + margin)):
            try:
                paths = _index_paths(session, fetch, index_url(settings.base_url, month))
            except _Unlisted as exc:
                unlisted.append(f"CC-NEWS {month:%Y-%m}: {exc}")
                if not exc.missing:
                    unreadable.append(unlisted[-1])
                continue
            read.append(f"{month:%Y-%m}")
            for path in paths:
                if in_window(path, interval, margin):
                    urls.append(f"{settings.base_url.rstrip('/')}/{path.lstrip('/')}")
                else:
                    outside += 1
    if not read:
        raise ArchiveError("no CC-NEWS month could be listed: " + "; ".join(unlisted))
    return CcnewsListing(tuple(urls), tuple(read), outside, tuple(unlisted), tuple(unreadable))


class _Unlisted(Exception):
    """A month's path index that cannot be read; ``missing`` when the server says it does not exist (404)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def _index_paths(session: requests.Session, fetch: FetchSettings, url: str) -> list[str]:
    try:
        response = session.get(url, timeout=(fetch.connect_timeout_s, fetch.read_timeout_s))
    except requests.RequestException as exc:
        raise _Unlisted(f"cannot read the path index {url}: {type(exc).__name__}") from exc
    if response.status_code == 404:
        raise _Unlisted(f"no path index at {url} (HTTP 404): left out", missing=True)
    if response.status_code != 200:
        raise _Unlisted(f"cannot read the path index {url}: HTTP {response.status_code}")
    try:
        text = gzip.decompress(response.content[:MAX_INDEX_BYTES]).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise _Unlisted(f"the path index {url} is not a gzip list of paths: {exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]
