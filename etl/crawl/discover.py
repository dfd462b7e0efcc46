"""Discover the article URLs a source published in a data interval.

Methods, tried in the order the source lists them; the first that answers is used:

- ``sitemap``: a sitemap index (children skipped when their ``lastmod`` is before the interval, or when
  they are not on an allowed host) or a plain urlset; an entry counts when its ``news:publication_date``
  or else ``lastmod`` is in the interval.
- ``news_sitemap``: the same for a Google News sitemap (``news_sitemap_url``), whose entries carry
  ``news:publication_date``.
- ``rss``: an RSS or Atom feed (feedparser); an entry counts when its published (or updated) date is in it.
- ``archive``: the per-day archive page (``archive_url`` with ``{date}``) of every day in the interval;
  every link matching the source's ``article_url_pattern`` (a regular expression) counts.

Gzipped sitemap files (``sitemap.xml.gz``) are unpacked up to the protocol's 50 MiB. URLs are
canonicalised, restricted to the source's allowed hosts and deduplicated, in a stable order.
"""

from __future__ import annotations

import calendar
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from etl.crawl.urls import canonical_url, is_allowed
from etl.dates import day_start, parse_datetime
from etl.reasons import Reason
from etl.records import DiscoveredUrl, Failure, FetchedPage, Interval, Source

logger = logging.getLogger(__name__)

Getter = Callable[[str], FetchedPage | Failure]
"""Fetches a discovery document (sitemap, feed, archive page); see ``Fetcher.get``."""

_MAX_SITEMAPS = 1000
_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps protocol's limit for one file, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"


class DiscoveryError(Exception):
    """A discovery document could not be fetched or parsed; carries the failure to record."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.url}: {failure.reason}")
        self.failure = failure


def discover(source: Source, interval: Interval, get: Getter) -> tuple[list[DiscoveredUrl], list[Failure]]:
    """URLs published in ``interval``, and the failures of methods that did not answer."""
    failures: list[Failure] = []
    for method in source.discovery:
        try:
            found = list(_METHODS[method](source, interval, get))
        except DiscoveryError as exc:
            logger.warning("discovery %s for %s failed: %s", method, source.name, exc)
            failures.append(exc.failure)
            continue
        return _unique_allowed(source, found), failures
    return [], failures


def _unique_allowed(source: Source, found: list[DiscoveredUrl]) -> list[DiscoveredUrl]:
    seen: dict[str, DiscoveredUrl] = {}
    for item in found:
        url = canonical_url(item.url)
        if url not in seen and is_allowed(url, source.allowed_hosts):
            seen[url] = DiscoveredUrl(source.name, url, item.published_hint, item.via)
    return sorted(seen.values(), key=lambda d: (d.published_hint or datetime.min.replace(tzinfo=UTC), d.url))


def _document(get: Getter, url: str) -> bytes:
    result = get(url)
    if isinstance(result, Failure):
        raise DiscoveryError(_as_discovery(result))
    return result.content


def _as_discovery(failure: Failure) -> Failure:
    return Failure(
        failure.source, failure.url, "discover", failure.reason, failure.http_status, failure.at, failure.detail
    )


def _sitemap(source: Source, interval: Interval, get: Getter) -> Iterator[DiscoveredUrl]:
    assert source.sitemap_url is not None
    return _sitemaps(source, source.sitemap_url, interval, get, "sitemap")


def _news_sitemap(source: Source, interval: Interval, get: Getter) -> Iterator[DiscoveredUrl]:
    assert source.news_sitemap_url is not None
    return _sitemaps(source, source.news_sitemap_url, interval, get, "news_sitemap")


def _sitemaps(source: Source, start: str, interval: Interval, get: Getter, via: str) -> Iterator[DiscoveredUrl]:
    pending = [start]
    visited: set[str] = set()
    while pending and len(visited) < _MAX_SITEMAPS:
        url = pending.pop(0)
        if url in visited:
            continue
        visited.add(url)
        root = _parse_xml(source, url, _document(get, url))
        tag = etree.QName(root).localname
        if tag == "sitemapindex":
            for loc, lastmod in _entries(root, "sitemap"):
                child = canonical_url(urljoin(url, loc))
                if (lastmod is None or lastmod >= interval.start) and is_allowed(child, source.allowed_hosts):
                    pending.append(child)
        elif tag == "urlset":
            for loc, when in _entries(root, "url"):
                if when is not None and interval.contains(when):
                    yield DiscoveredUrl(source.name, loc, when, via)
        else:
            raise DiscoveryError(_failure(source, url, "not_a_sitemap"))


def _parse_xml(source: Source, url: str, content: bytes) -> etree._Element:
    if content.startswith(_GZIP_MAGIC):  # sitemap.xml.gz, served as a file rather than Content-Encoding
        unpacker = zlib.decompressobj(wbits=31)
        content = unpacker.decompress(content, _MAX_SITEMAP_BYTES + 1)
        if len(content) > _MAX_SITEMAP_BYTES:
            raise DiscoveryError(_failure(source, url, Reason.TOO_LARGE, f"over {_MAX_SITEMAP_BYTES} bytes unpacked"))
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(_failure(source, url, Reason.BAD_XML, str(exc))) from exc


def _entries(root: etree._Element, kind: str) -> Iterator[tuple[str, datetime | None]]:
    """(loc, date) of each ``<sitemap>`` or ``<url>``; the date prefers news:publication_date."""
    for entry in root:
        if not isinstance(entry.tag, str) or etree.QName(entry).localname != kind:
            continue
        fields: dict[str, str] = {}
        for node in entry.iter():
            if isinstance(node.tag, str) and node.text:
                fields.setdefault(etree.QName(node).localname, node.text.strip())
        loc = fields.get("loc")
        if loc:
            when = parse_datetime(fields.get("publication_date") or fields.get("lastmod") or "")
            yield loc, when


def _rss(source: Source, interval: Interval, get: Getter) -> Iterator[DiscoveredUrl]:
    assert source.feed_url is not None
    feed = feedparser.parse(_document(get, source.feed_url))
    if feed.bozo and not feed.entries:
        raise DiscoveryError(_failure(source, source.feed_url, Reason.BAD_FEED, str(feed.get("bozo_exception", ""))))
    for entry in feed.entries:
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        link = entry.get("link")
        if not stamp or not link:
            continue
        when = datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)
        if interval.contains(when):
            yield DiscoveredUrl(source.name, link, when, "rss")


def _archive(source: Source, interval: Interval, get: Getter) -> Iterator[DiscoveredUrl]:
    assert source.archive_url is not None and source.article_url_pattern is not None
    pattern = re.compile(source.article_url_pattern)
    day = interval.start.astimezone(UTC).date()
    while day_start(day) < interval.end:
        url = source.archive_url.replace("{date}", day.isoformat())
        soup = BeautifulSoup(_document(get, url), "lxml")
        for link in soup.find_all("a", href=True):
            href = link.get("href")
            if not isinstance(href, str):
                continue
            target = canonical_url(urljoin(url, href))
            if pattern.search(target):
                yield DiscoveredUrl(source.name, target, None, "archive")
        day += timedelta(days=1)


def _failure(source: Source, url: str, reason: str, detail: str = "") -> Failure:
    return Failure(source.name, url, "discover", reason, None, datetime.now(UTC), detail)


_METHODS: dict[str, Callable[[Source, Interval, Getter], Iterator[DiscoveredUrl]]] = {
    "sitemap": _sitemap,
    "news_sitemap": _news_sitemap,
    "rss": _rss,
    "archive": _archive,
}
